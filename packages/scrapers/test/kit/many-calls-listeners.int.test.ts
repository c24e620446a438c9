import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScraperKit } from '../../src/kit/index.js';
import { SourceGuard } from '../../src/politeness/index.js';
import { fixturesDir } from '../support/fixtures.js';
import { property } from '../support/kit.js';

const CHICAGO = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';
const CALLS = 30;

let warnings: Error[] = [];
const onWarning = (warning: Error): void => void warnings.push(warning);
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** Lets a warning emitted on the last tick reach the listener. */
async function warningsSoFar(): Promise<string[]> {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  return warnings.map((w) => `${w.name}: ${w.message}`);
}

describe(`${CALLS} calls at once on one kit (Chromium, replay)`, () => {
  it.each([
    ['without a signal', (): AbortSignal | undefined => undefined],
    ['sharing one caller signal', (): AbortSignal | undefined => new AbortController().signal],
  ])('emit no process warning (MaxListenersExceededWarning) %s, and every call is answered', async (_label, signalOf) => {
    const kit = await createScraperKit({
      mode: { kind: 'replay', fixturesDir },
      fetchMode: 'browser',
      politeness: { pageConcurrency: 2, photoConcurrency: 2 },
    });
    try {
      const signal = signalOf();
      const chicago = kit.archive?.listings.find((l) => l.url === CHICAGO);
      const photoUrl = chicago?.parsed.photos[0]?.url ?? '';
      const pages = Array.from({ length: CALLS }, (_, i) =>
        kit.scrapers.zillow.listPhotos({
          property: property(`${i} Elm Ave, Mesa, AZ 85201`),
          listingUrl: CHICAGO,
          ...(signal === undefined ? {} : { signal }),
        }),
      );
      const photos = Array.from({ length: CALLS }, () =>
        kit.fetcher.fetchPhoto({ url: photoUrl, ...(signal === undefined ? {} : { signal }) }),
      );
      const galleries = await Promise.all(pages);
      const fetched = await Promise.all(photos);
      expect(galleries.map((g) => g.photos.length)).toEqual(Array.from({ length: CALLS }, () => 5));
      expect(new Set(fetched.map((f) => f.contentType))).toEqual(new Set(['image/jpeg']));
      expect(await warningsSoFar()).toEqual([]);
    } finally {
      await kit.close();
    }
  });
});

describe(`SourceGuard.run with ${CALLS} callers waiting on one signal`, () => {
  it('emits no process warning', async () => {
    const guard = new SourceGuard({
      ...{ source: 'zillow', concurrency: 1, maxRetries: 0, initialBackoffMs: 0, maxBackoffMs: 0, jitterMs: 0 },
      ...{ blocksToOpenCircuit: null, circuitOpenMs: 0 },
    });
    const signal = new AbortController().signal;
    const results = await Promise.all(
      Array.from({ length: CALLS }, (_, i) =>
        guard.run(`https://www.zillow.com/${i}`, signal, () => new Promise<number>((resolve) => setTimeout(() => resolve(i), 1))),
      ),
    );
    expect(results).toEqual(Array.from({ length: CALLS }, (_, i) => i));
    expect(await warningsSoFar()).toEqual([]);
  });
});
