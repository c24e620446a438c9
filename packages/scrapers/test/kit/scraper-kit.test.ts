import { InvalidInputError, toPropertyId } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKitOptions } from '../../src/kit/index.js';

describe('createScraperKit options', () => {
  it('lists every bad option at once in one InvalidInputError', async () => {
    const bad = {
      mode: { kind: 'replay', fixturesDir: '' },
      isolationMode: 'tab',
      navigationTimeoutMs: 5,
      maxPhotoBytes: -1,
      color: 'blue',
    } as unknown as ScraperKitOptions;
    const err = await createScraperKit(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const paths = (err as InvalidInputError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['mode.fixturesDir', 'isolationMode', 'navigationTimeoutMs', 'maxPhotoBytes', '']));
    expect((err as InvalidInputError).code).toBe('BAD_USER_INPUT');
  });

  it('rejects an unknown mode and a missing fixtures folder', async () => {
    await expect(createScraperKit({ mode: { kind: 'record' } } as unknown as ScraperKitOptions)).rejects.toBeInstanceOf(InvalidInputError);
    const err = await createScraperKit({ mode: { kind: 'replay', fixturesDir: '/nonexistent/fixtures' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain('/nonexistent/fixtures');
  });

  it('rejects record mode with a context per property (one HAR file) and bad politeness values', async () => {
    const err = await createScraperKit({ mode: { kind: 'record', harPath: '/tmp/x.har' }, isolationMode: 'context' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => i.path)).toContain('isolationMode');
    const retiring = await createScraperKit({ mode: { kind: 'record', harPath: '/tmp/x.har' }, retireContextAfterPages: 50 }).catch(
      (e: unknown) => e,
    );
    expect((retiring as InvalidInputError).issues).toEqual([
      {
        path: 'retireContextAfterPages',
        message: 'record mode writes one context into one HAR file: leave retireContextAfterPages out or null',
      },
    ]);
    const bad = await createScraperKit({ mode: { kind: 'live' }, politeness: { pageRequestsPerSecond: 0, maxRetries: 99 } }).catch(
      (e: unknown) => e,
    );
    expect((bad as InvalidInputError).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['politeness.pageRequestsPerSecond', 'politeness.maxRetries']),
    );
  });

  it('builds a live kit without launching anything', async () => {
    const kit = await createScraperKit({ mode: { kind: 'live' }, isolationMode: 'context' });
    expect(kit.scrapers.zillow.source).toBe('zillow');
    expect(kit.scrapers.redfin.source).toBe('redfin');
    expect(kit.archive).toBeNull();
    expect(kit.pool.isolationMode).toBe('context');
    expect(kit.pool.retireContextAfterPages).toBeNull(); // a context per property closes with it
    await kit.close();
    await kit.close();
  });

  it('hands retireContextAfterPages to the pool: 100 by default, the value given, or null (never)', async () => {
    const retiring = async (options: Omit<ScraperKitOptions, 'mode'>): Promise<number | null> => {
      const kit = await createScraperKit({ mode: { kind: 'live' }, ...options });
      await kit.close();
      return kit.pool.retireContextAfterPages;
    };
    expect(await retiring({})).toBe(100);
    expect(await retiring({ retireContextAfterPages: 7 })).toBe(7);
    expect(await retiring({ retireContextAfterPages: null })).toBeNull();
    const bad = await createScraperKit({ mode: { kind: 'live' }, retireContextAfterPages: 0 }).catch((e: unknown) => e);
    expect((bad as InvalidInputError).issues.map((i) => i.path)).toEqual(['retireContextAfterPages']);
  });
});

describe('constructor option checks', () => {
  it('BrowserPool, HttpPhotoFetcher and the scrapers list every bad option', async () => {
    const { BrowserPool } = await import('../../src/browser/index.js');
    const { HttpPhotoFetcher } = await import('../../src/download/index.js');
    const { ZillowScraper } = await import('../../src/zillow/index.js');
    const issuesOf = (fn: () => unknown): string[] => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidInputError);
        return (e as InvalidInputError).issues.map((i) => i.path);
      }
      throw new Error('expected InvalidInputError');
    };
    expect(issuesOf(() => new BrowserPool({ isolationMode: 'tab' as never, launchTimeoutMs: 1, extraArgs: ['no-dashes'] }))).toEqual([
      'isolationMode',
      'extraArgs.0',
      'launchTimeoutMs',
    ]);
    expect(issuesOf(() => new HttpPhotoFetcher({ maxBytes: 0, timeoutMs: 1.5, maxRedirects: 99 }))).toEqual([
      'timeoutMs',
      'maxBytes',
      'maxRedirects',
    ]);
    expect(issuesOf(() => new ZillowScraper({ pool: {} as never, navigationTimeoutMs: 10 }))).toEqual(['pool', 'navigationTimeoutMs']);
  });
});

describe('a signal that is not an AbortSignal (plain JavaScript callers)', () => {
  const AUSTIN = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
  const PHOTO = 'https://photos.zillowstatic.com/fp/0908196da96088046519d08b7d069684-o_a.jpg';

  it('is an InvalidInputError naming `signal`, from every public call, and no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const kit = await createScraperKit({ mode: { kind: 'live' } });
    try {
      const address = '1000 Plymouth Dr, Austin, TX 78758';
      const property = { id: toPropertyId(address), address, listingUrls: {} };
      for (const bad of [{}, 'stop', { aborted: false }] as never[]) {
        const calls: [string, string, () => Promise<unknown>][] = [
          ['listPhotos request', 'signal', () => kit.scrapers.zillow.listPhotos({ property, listingUrl: AUSTIN, signal: bad })],
          ['findListingUrl arguments', 'options.signal', () => kit.scrapers.redfin.findListingUrl(address, { signal: bad })],
          ['fetchPhoto request', 'signal', () => kit.fetcher.fetchPhoto({ url: PHOTO, signal: bad })],
          ['withPage options', 'signal', () => kit.pool.withPage(property.id, () => Promise.resolve(1), { signal: bad })],
        ];
        const got = typeof bad === 'string' ? 'a string' : 'an object';
        for (const [what, path, call] of calls) {
          const err = await call().catch((e: unknown) => e);
          expect(err).toBeInstanceOf(InvalidInputError);
          expect((err as InvalidInputError).issues).toEqual([
            { path, message: `must be an AbortSignal (e.g. from an AbortController) or left out; got ${got}` },
          ]);
          expect((err as InvalidInputError).message).toMatch(new RegExp(`^Invalid ${what}: ${path}: `));
        }
      }
      for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve)); // let any stray rejection surface
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await kit.close();
    }
  });
});
