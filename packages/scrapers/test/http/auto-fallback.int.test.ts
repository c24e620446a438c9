import { afterEach, describe, expect, it } from 'vitest';
import { BotWallError } from '../../src/errors/index.js';
import { RedfinScraper } from '../../src/redfin/index.js';
import { ZillowScraper } from '../../src/zillow/index.js';
import { zillowSearchUrl } from '../../src/zillow/zillow-search.js';
import { readListing, readOwnFixture } from '../support/fixtures.js';
import { answer, httpScene } from '../support/http-scene.js';
import type { HttpScene } from '../support/http-scene.js';
import { property } from '../support/kit.js';

const AUSTIN = '1000 Plymouth Dr, Austin, TX 78758';
const AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const CHICAGO_URL = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';
const VANCOUVER_URL = 'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679';
/** The saved New York page: only its rendered media browser (7 of 11 photos), no server state. */
const NEW_YORK_URL = 'https://www.redfin.com/NY/New-York/111-4th-Ave-10003/unit-3I/home/45142411';

const pxWall = (): ReturnType<typeof answer> => answer(403, readOwnFixture('zillow-px-captcha-403.html'));
const wafWall = (): ReturnType<typeof answer> => answer(202, readListing('redfin', 'redfin-block-aws-waf-challenge-202.html'));

const scenes: HttpScene[] = [];
afterEach(async () => {
  await Promise.all(scenes.splice(0).map((s) => s.close()));
});
async function scene(options: Parameters<typeof httpScene>[0]): Promise<HttpScene> {
  const s = await httpScene(options);
  scenes.push(s);
  return s;
}

describe('auto falls back to the browser where plain HTTP cannot serve the page', () => {
  it('the rendered-DOM New York page: auto reads it in the browser; http reads what the served HTML holds', async () => {
    const s = await scene({});
    const redfin = new RedfinScraper({ ...s.scraperOptions, fetchMode: 'auto' });
    const auto = await redfin.listPhotos({ property: property('ny auto'), listingUrl: NEW_YORK_URL });
    expect(auto).toMatchObject({ fetchMode: 'browser', declaredPhotoCount: 11 });
    expect(auto.photos).toHaveLength(7);
    expect(s.requests.filter((r) => r.includes('/home/45142411'))).toHaveLength(1); // tried over HTTP once first
    const http = await redfin.listPhotos({ property: property('ny http'), listingUrl: NEW_YORK_URL, fetchMode: 'http' });
    expect(http).toMatchObject({ fetchMode: 'http', declaredPhotoCount: 11, dataPath: auto.dataPath });
    expect(http.photos).toEqual(auto.photos);
    // the aboveTheFold completion was asked over HTTP too (a replay miss: no saved answer for this listing)
    expect(s.requests.some((r) => r.includes('/stingray/api/home/details/aboveTheFold?propertyId=45142411'))).toBe(true);
  });

  it('a PerimeterX 403 wall served to plain clients only: auto reports fetchMode browser; http is a BotWallError', async () => {
    const s = await scene({ httpPages: [{ url: AUSTIN_URL, response: pxWall() }] });
    const zillow = new ZillowScraper({ ...s.scraperOptions, fetchMode: 'auto' });
    const auto = await zillow.listPhotos({ property: property('austin auto'), listingUrl: AUSTIN_URL });
    expect(auto.fetchMode).toBe('browser');
    expect(auto.photos).toHaveLength(38);
    const error = await zillow
      .listPhotos({ property: property('austin http'), listingUrl: AUSTIN_URL, fetchMode: 'http' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotWallError);
    expect(error).toMatchObject({ vendor: 'perimeterx', status: 403, kind: 'blocked' });
  });

  it('the saved AWS WAF 202 challenge served to plain clients only: auto reports fetchMode browser; http is a BotWallError', async () => {
    const s = await scene({ httpPages: [{ url: VANCOUVER_URL, response: wafWall() }] });
    const redfin = new RedfinScraper({ ...s.scraperOptions, fetchMode: 'auto' });
    const auto = await redfin.listPhotos({ property: property('vancouver auto'), listingUrl: VANCOUVER_URL });
    expect(auto.fetchMode).toBe('browser');
    expect(auto.photos).toHaveLength(40);
    const error = await redfin
      .listPhotos({ property: property('vancouver http'), listingUrl: VANCOUVER_URL, fetchMode: 'http' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotWallError);
    expect(error).toMatchObject({ vendor: 'aws-waf', status: 202 });
  });

  it('a wall served to the browser too: auto ends with the BotWallError, counted once by the circuit breaker', async () => {
    const s = await scene({
      httpPages: [{ url: AUSTIN_URL, response: pxWall() }],
      browserPages: [{ url: AUSTIN_URL, response: pxWall() }],
      politeness: { blocksToOpenCircuit: 2 },
    });
    const zillow = new ZillowScraper({ ...s.scraperOptions, fetchMode: 'auto' });
    await expect(zillow.listPhotos({ property: property('walled 1'), listingUrl: AUSTIN_URL })).rejects.toBeInstanceOf(BotWallError);
    expect(zillow.guard.circuitState).toBe('closed');
    await expect(zillow.listPhotos({ property: property('walled 2'), listingUrl: AUSTIN_URL })).rejects.toBeInstanceOf(BotWallError);
    expect(zillow.guard.circuitState).toBe('open');
    await expect(zillow.listPhotos({ property: property('walled 3'), listingUrl: AUSTIN_URL })).rejects.toMatchObject({
      code: 'SOURCE_BLOCKED',
    });
  });

  it('http walls are counted by the same circuit breaker: open after 2, the third call requests nothing', async () => {
    const s = await scene({ httpPages: [{ url: AUSTIN_URL, response: pxWall() }], politeness: { blocksToOpenCircuit: 2 } });
    const zillow = new ZillowScraper({ ...s.scraperOptions, fetchMode: 'http' });
    for (const n of [1, 2]) {
      await expect(zillow.listPhotos({ property: property(`w${n}`), listingUrl: AUSTIN_URL })).rejects.toBeInstanceOf(BotWallError);
    }
    const sent = s.requests.length;
    await expect(zillow.listPhotos({ property: property('w3'), listingUrl: AUSTIN_URL })).rejects.toMatchObject({ code: 'SOURCE_BLOCKED' });
    expect(s.requests).toHaveLength(sent);
  });

  it('remembers per source: after N fallbacks in a row auto goes browser-first, probing HTTP every M pages', async () => {
    const s = await scene({ httpPages: [{ url: AUSTIN_URL, response: pxWall() }] });
    const zillow = new ZillowScraper({
      ...s.scraperOptions,
      autoFetch: { fallbacksToPreferBrowser: 2, httpRetryEveryPages: 3, verifyEveryPages: null },
    });
    const modes: string[] = [];
    const httpTries: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const before = s.requests.length;
      modes.push((await zillow.listPhotos({ property: property(`p${i}`), listingUrl: AUSTIN_URL })).fetchMode);
      httpTries.push(s.requests.length - before);
    }
    expect(modes).toEqual(['browser', 'browser', 'browser', 'browser', 'browser', 'browser']);
    // pages 1-2 fall back; then browser-first, the third page of that run probes HTTP (and falls back again)
    expect(httpTries).toEqual([1, 1, 0, 0, 1, 0]);
  });

  it('address searches go by the same plan: after N search fallbacks, searches go browser-first', async () => {
    const search = zillowSearchUrl(AUSTIN);
    const s = await scene({
      httpPages: [{ url: search, response: pxWall() }],
      browserPages: [{ url: search, response: answer(301, '', 'text/html', { location: AUSTIN_URL }) }],
    });
    const zillow = new ZillowScraper({
      ...s.scraperOptions,
      autoFetch: { fallbacksToPreferBrowser: 2, httpRetryEveryPages: 100, verifyEveryPages: null },
    });
    const httpTries: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const before = s.requests.length;
      expect(await zillow.findListingUrl(AUSTIN)).toBe(AUSTIN_URL);
      httpTries.push(s.requests.length - before);
    }
    // searches 1-2 are walled over HTTP and fall back; the third goes to the browser first
    expect(httpTries).toEqual([1, 1, 0]);
  });

  it('browserOnlySources: auto never asks plain HTTP for that source', async () => {
    const s = await scene({});
    const zillow = new ZillowScraper({ ...s.scraperOptions, browserOnlySources: ['zillow'] });
    const read = await zillow.listPhotos({ property: property('browser only'), listingUrl: CHICAGO_URL });
    expect(read.fetchMode).toBe('browser');
    expect(s.requests).toEqual([]);
  });

  it('the sample check: a page whose photo lists differ between the modes is logged, the browser read kept, the source browser-first', async () => {
    // plain clients get the Chicago page's gallery under the Austin URL; the browser gets the real Austin page
    const s = await scene({
      httpPages: [{ url: AUSTIN_URL, response: answer(200, readListing('zillow', 'zillow-hdp-chicago-il-119974210.html')) }],
    });
    const warnings: string[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_ctx: unknown, msg: string) => void warnings.push(msg),
      error: () => undefined,
      child() {
        return this;
      },
    };
    const zillow = new ZillowScraper({ ...s.scraperOptions, logger, autoFetch: { verifyEveryPages: 2 } });
    const first = await zillow.listPhotos({ property: property('s1'), listingUrl: AUSTIN_URL });
    expect(first).toMatchObject({ fetchMode: 'http' });
    expect(first.photos).toHaveLength(5);
    const second = await zillow.listPhotos({ property: property('s2'), listingUrl: AUSTIN_URL });
    expect(second.fetchMode).toBe('browser');
    expect(second.photos).toHaveLength(38);
    expect(warnings).toContain('plain HTTP and the browser read different photo lists; going browser-first');
    const before = s.requests.length;
    expect((await zillow.listPhotos({ property: property('s3'), listingUrl: AUSTIN_URL })).fetchMode).toBe('browser');
    expect(s.requests).toHaveLength(before);
  });

  it('the sample check keeps the plain-HTTP read when the browser cannot read the page now', async () => {
    const s = await scene({ browserPages: [{ url: AUSTIN_URL, response: pxWall() }] });
    const zillow = new ZillowScraper({ ...s.scraperOptions, autoFetch: { verifyEveryPages: 1 } });
    const read = await zillow.listPhotos({ property: property('checked'), listingUrl: AUSTIN_URL });
    expect(read.fetchMode).toBe('http');
    expect(read.photos).toHaveLength(38);
    expect(zillow.guard.circuitState).toBe('closed');
  });
});
