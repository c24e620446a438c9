import { InvalidInputError } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScraperKit } from '../../src/kit/index.js';
import { property, replayKit } from '../support/kit.js';

const AUSTIN = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const ADDRESS = '1000 Plymouth Dr, Austin, TX 78758';

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit('context');
});
afterAll(async () => {
  await kit.close();
});

/** `[what, path: message]` of the InvalidInputError a call rejects with (fails the test on anything else). */
async function rejection(call: () => Promise<unknown>): Promise<{ readonly message: string; readonly issues: readonly string[] }> {
  const err = await Promise.resolve()
    .then(call)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(InvalidInputError);
  const invalid = err as InvalidInputError;
  return { message: invalid.message, issues: invalid.issues.map((i) => `${i.path}: ${i.message}`) };
}

/** Calls a public method as plain JavaScript would, with any arguments. */
function untyped<T>(fn: T): (...args: unknown[]) => Promise<unknown> {
  return fn as (...args: unknown[]) => Promise<unknown>;
}

describe('listPhotos arguments (plain JavaScript callers; Chromium, replay)', () => {
  it('rejects every wrong shape with InvalidInputError naming the field, before any page is loaded', async () => {
    const listPhotos = untyped(kit.scrapers.zillow.listPhotos.bind(kit.scrapers.zillow));
    expect((await rejection(() => listPhotos())).issues).toEqual([
      ': must be a request object ({ property, listingUrl, signal, fetchMode }); got nothing (undefined)',
    ]);
    expect((await rejection(() => listPhotos(null))).issues).toEqual([
      ': must be a request object ({ property, listingUrl, signal, fetchMode }); got null',
    ]);
    expect((await rejection(() => listPhotos(AUSTIN))).issues).toEqual([
      ': must be a request object ({ property, listingUrl, signal, fetchMode }); got a string',
    ]);
    expect((await rejection(() => listPhotos({}))).issues).toEqual([
      'property: must be a Property ({ id, address, listingUrls }); got nothing (undefined)',
    ]);
    expect((await rejection(() => listPhotos({ property: null, listingUrl: AUSTIN }))).issues).toEqual([
      'property: must be a Property ({ id, address, listingUrls }); got null',
    ]);
    expect((await rejection(() => listPhotos({ property: { id: 'p', address: ADDRESS } }))).issues).toEqual([
      'property.listingUrls: must be an object of listing URLs by source, e.g. {} or { zillow: "https://www.zillow.com/homedetails/…" }; got nothing (undefined)',
    ]);
    expect((await rejection(() => listPhotos({ property: property(ADDRESS), listingUrl: 42 }))).issues).toEqual([
      'listingUrl: must be a URL string (or a URL object); got a number',
    ]);
    expect((await rejection(() => listPhotos({ property: property(ADDRESS), listingUrl: '' }))).issues).toEqual([
      'listingUrl: is empty; give the URL',
    ]);
    expect((await rejection(() => listPhotos({ property: property(ADDRESS), listingURL: AUSTIN }))).issues).toEqual([
      ': Unrecognized key: "listingURL"',
    ]);
    const mode = await rejection(() => listPhotos({ property: property(ADDRESS), listingUrl: AUSTIN, fetchMode: 'curl' }));
    expect(mode.issues).toHaveLength(1);
    expect(mode.issues[0]).toMatch(/^fetchMode: .*"auto".*"http".*"browser"/);
    const blank = await rejection(() => listPhotos({ property: { id: 'blank', address: '  ', listingUrls: {} }, listingUrl: null }));
    expect(blank.issues).toEqual([
      'property.address: is empty and no zillow listing URL was given (listingUrl, property.listingUrls.zillow): give one or the other',
    ]);
    expect(blank.message).toMatch(/^Invalid listPhotos request: /);
  });

  it('accepts a URL object as listingUrl (read as its href) and reads the page', async () => {
    const gallery = await untyped(kit.scrapers.zillow.listPhotos.bind(kit.scrapers.zillow))({
      property: property(ADDRESS),
      listingUrl: new URL(AUSTIN),
    });
    expect((gallery as { photos: unknown[] }).photos).toHaveLength(38);
  });
});

describe('findListingUrl arguments (plain JavaScript callers)', () => {
  it('rejects a missing, non-string or blank address (nothing is searched) and options that are not an object', async () => {
    const find = untyped(kit.scrapers.zillow.findListingUrl.bind(kit.scrapers.zillow));
    expect((await rejection(() => find())).issues).toEqual(['address: must be a street address (a string); got nothing (undefined)']);
    expect((await rejection(() => find(42))).issues).toEqual(['address: must be a street address (a string); got a number']);
    const empty = await rejection(() => find(''));
    expect(empty.issues).toEqual(['address: is empty; give a street address']);
    expect(empty.message).toMatch(/^Invalid findListingUrl arguments: /);
    expect((await rejection(() => find(ADDRESS, null))).issues).toEqual([
      'options: must be an options object ({ signal, propertyId }) or left out; got null',
    ]);
    expect((await rejection(() => find(ADDRESS, { signal: 'x' }))).issues).toEqual([
      'options.signal: must be an AbortSignal (e.g. from an AbortController) or left out; got a string',
    ]);
  });
});

describe('fetchPhoto arguments (plain JavaScript callers)', () => {
  it('rejects a missing request, a URL that is not a string and unknown keys; accepts a URL object', async () => {
    const fetchPhoto = untyped(kit.fetcher.fetchPhoto.bind(kit.fetcher));
    expect((await rejection(() => fetchPhoto())).issues).toEqual([': must be a request object ({ url, signal }); got nothing (undefined)']);
    expect((await rejection(() => fetchPhoto({ url: 5 }))).issues).toEqual(['url: must be a URL string (or a URL object); got a number']);
    expect((await rejection(() => fetchPhoto({ url: '' }))).issues).toEqual(['url: is empty; give the URL']);
    expect((await rejection(() => fetchPhoto({ href: 'x' }))).issues).toEqual([
      'url: must be a URL string (or a URL object); got nothing (undefined)',
      ': Unrecognized key: "href"',
    ]);
    const austin = kit.archive?.listings.find((l) => l.url === AUSTIN);
    const photoUrl = austin?.parsed.photos[0]?.url ?? '';
    const photo = (await fetchPhoto({ url: new URL(photoUrl) })) as { url: string; bytes: Buffer; contentType: string };
    expect(photo.url).toBe(photoUrl);
    expect(photo.contentType).toBe('image/jpeg');
    expect(photo.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });
});
