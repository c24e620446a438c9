import { describe, expect, it } from 'vitest';
import {
  BotWallError,
  LayoutChangedError,
  PhotoDataMissingError,
  RateLimitedError,
  UnexpectedContentError,
  UnsupportedUrlError,
} from '../../src/errors/index.js';
import type { PageSnapshot } from '../../src/listing/index.js';
import {
  assertNotRedfinBotWall,
  parseRedfinAboveTheFoldJson,
  parseRedfinListingPage,
  parseRedfinListingUrl,
  parseRedfinPhotoUrl,
  readRedfinApiAnswer,
} from '../../src/redfin/index.js';
import { readListing } from '../support/fixtures.js';

const URL = 'https://www.redfin.ca/bc/vancouver/2748-E-23rd-Ave-V5R-1A7/home/154849597';
const snapshot = (html: string, status: number): PageSnapshot => ({ requestedUrl: URL, finalUrl: URL, status, html, renderedHtml: html });

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('Redfin bot wall', () => {
  it('recognises the saved AWS WAF challenge served with HTTP 202', () => {
    const err = errorOf(() => assertNotRedfinBotWall(snapshot(readListing('redfin', 'redfin-block-aws-waf-challenge-202.html'), 202)));
    expect(err).toBeInstanceOf(BotWallError);
    const wall = err as BotWallError;
    expect(wall.kind).toBe('blocked');
    expect(wall.vendor).toBe('aws-waf');
    expect(wall.status).toBe(202);
    expect(wall.markers).toEqual(['gokuProps', 'challenge.js', 'challenge-container']);
  });

  it('recognises the challenge page even when served with 200', () => {
    const html = readListing('redfin', 'redfin-block-aws-waf-challenge-202.html');
    expect(() => assertNotRedfinBotWall(snapshot(html, 200))).toThrow(BotWallError);
  });

  it('lets the saved detail pages through although they load challenge.js', () => {
    for (const file of ['redfin-hdp-vancouver-bc-154849597.html', 'redfin-hdp-rendered-dom-new-york-ny-45142411.html']) {
      expect(() => assertNotRedfinBotWall(snapshot(readListing('redfin', file), 200))).not.toThrow();
    }
  });
});

describe('Redfin pages without usable photo data', () => {
  const saved = readListing('redfin', 'redfin-hdp-vancouver-bc-154849597.html');

  it('throws PhotoDataMissingError naming each path when the server state and media browser are gone', () => {
    const stripped = saved.replace(/root\.__reactServerState\.InitialContext = /, 'root.somethingElse = ');
    const err = errorOf(() => parseRedfinListingPage(stripped, URL));
    expect(err).toBeInstanceOf(PhotoDataMissingError);
    expect((err as PhotoDataMissingError).pathsTried).toEqual([
      'root.__reactServerState.InitialContext not found',
      // The saved page has the media browser element, filled in only by client scripts.
      'media browser has no listing photo',
    ]);
    expect((err as Error).message).toContain(URL);
  });

  it('throws PhotoDataMissingError when the aboveTheFold cache entry was renamed', () => {
    const renamed = saved.replaceAll(
      '\\u002Fstingray\\u002Fapi\\u002Fhome\\u002Fdetails\\u002FaboveTheFold',
      '\\u002Fstingray\\u002Fapi\\u002Fhome\\u002Fdetails\\u002FaboveTheFoldV2',
    );
    const err = errorOf(() => parseRedfinListingPage(renamed, URL));
    expect(err).toBeInstanceOf(PhotoDataMissingError);
    expect((err as PhotoDataMissingError).pathsTried[0]).toBe('dataCache["/stingray/api/home/details/aboveTheFold"] missing');
  });

  it('throws PhotoDataMissingError when mediaBrowserInfo.photos was renamed', () => {
    const text = readListing('redfin', 'redfin-stingray-aboveTheFold-vancouver-bc-154849597.json').replace('"photos":', '"pictures":');
    const err = errorOf(() => parseRedfinAboveTheFoldJson(text, URL));
    expect(err).toBeInstanceOf(PhotoDataMissingError);
    expect((err as PhotoDataMissingError).pathsTried).toEqual(['payload.mediaBrowserInfo.photos missing']);
  });

  it('throws LayoutChangedError when Redfin sends an empty photos array (its data states no count to confirm zero)', () => {
    const body = `{}&&${JSON.stringify({ resultCode: 0, payload: { mediaBrowserInfo: { photos: [] } } })}`;
    expect(() => parseRedfinAboveTheFoldJson(body, URL)).toThrow(LayoutChangedError);
  });

  it('rejects the search page and the gis search body', () => {
    expect(() => parseRedfinListingPage(readListing('redfin', 'redfin-search-seattle-wa-98109.html'), URL)).toThrow(PhotoDataMissingError);
    expect(() => parseRedfinAboveTheFoldJson(readListing('redfin', 'redfin-gis-search-homes-seattle-wa.json'), URL)).toThrow(
      PhotoDataMissingError,
    );
  });
});

describe('Redfin URLs', () => {
  it('gives every size and format of a photo the same id, and photo 0 index 0', () => {
    const a = parseRedfinPhotoUrl('https://ssl.cdn-redfin.com/photo/86/bigphoto/123/6123123_5_2.jpg');
    const b = parseRedfinPhotoUrl('https://ssl.cdn-redfin.com/photo/86/mbphotov3/123/genMid.6123123_5_2.webp');
    expect(a?.photoId).toBe('86/6123123_5');
    expect(b?.photoId).toBe('86/6123123_5');
    expect(a).toMatchObject({ dataSourceId: '86', size: 'bigphoto', subdirectory: '123', index: 5, version: 2, format: 'jpeg' });
    expect(parseRedfinPhotoUrl('https://ssl.cdn-redfin.com/photo/211/bigphoto/747/RLS20051747_0.jpg')).toMatchObject({
      photoId: '211/RLS20051747_0',
      index: 0,
      version: 0,
    });
    expect(parseRedfinPhotoUrl('https://ssl.cdn-redfin.com/system_files/images/agent.jpg')).toBeNull();
    expect(parseRedfinPhotoUrl('https://ssl.cdn-redfin.com/vLATEST/images/logos/rebny_small.png')).toBeNull();
  });

  it('accepts redfin.com and redfin.ca home URLs only', () => {
    expect(parseRedfinListingUrl(URL)).toEqual({ propertyId: '154849597' });
    expect(parseRedfinListingUrl('https://www.redfin.com/NY/New-York/111-4th-Ave-10003/unit-3I/home/45142411').propertyId).toBe('45142411');
    expect(() => parseRedfinListingUrl('https://www.redfin.com/zipcode/98109')).toThrow(UnsupportedUrlError);
    expect(() => parseRedfinListingUrl('https://evil.example/home/1')).toThrow(UnsupportedUrlError);
  });
});

describe('Redfin stingray API answers', () => {
  const API = 'https://www.redfin.com/stingray/api/home/details/aboveTheFold?propertyId=45142411&accessLevel=1';
  const answer = (status: number, body: string, extra: { contentType?: string; retryAfter?: string } = {}) => ({
    status,
    body,
    contentType: extra.contentType ?? 'application/json',
    retryAfter: extra.retryAfter ?? null,
  });

  it('types 503 with a Retry-After date as rate limited, another 5xx as a navigation failure, and returns a 404 or JSON for the caller', () => {
    const now = Date.parse('Sun, 29 Nov 2026 18:00:00 GMT');
    const limited = errorOf(() =>
      readRedfinApiAnswer(API, 'aboveTheFold', answer(503, '', { retryAfter: 'Sun, 29 Nov 2026 18:00:30 GMT' }), now),
    );
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', kind: 'transient', status: 503, retryAfterMs: 30_000 });
    expect(errorOf(() => readRedfinApiAnswer(API, 'aboveTheFold', answer(502, 'bad gateway')))).toMatchObject({
      code: 'NAVIGATION_FAILED',
      status: 502,
    });
    expect(readRedfinApiAnswer(API, 'aboveTheFold', answer(404, 'not found')).status).toBe(404);
    expect(readRedfinApiAnswer(API, 'aboveTheFold', answer(200, '{}&&{"payload":{}}')).status).toBe(200);
  });

  it('names the first characters of a non-JSON body without a title', () => {
    const err = errorOf(() =>
      readRedfinApiAnswer(API, 'aboveTheFold', answer(200, 'Service temporarily   unavailable', { contentType: 'text/plain' })),
    );
    expect(err).toBeInstanceOf(UnexpectedContentError);
    expect(err).toMatchObject({ contentType: 'text/plain', expected: 'JSON', seen: 'a body starting "Service temporarily unavailable"' });
  });

  it('types a plain 403 as a block of unknown vendor', () => {
    const err = errorOf(() => readRedfinApiAnswer(API, 'aboveTheFold', answer(403, 'Forbidden', { contentType: 'text/plain' })));
    expect(err).toMatchObject({ code: 'BOT_WALL', kind: 'blocked', vendor: 'unknown', markers: ['HTTP 403 from the aboveTheFold API'] });
  });
});
