import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { runExtraction } from '../../src/extraction/index.js';
import type { ExtractionEvent, ExtractPropertyRequest } from '../../src/extraction/index.js';
import type { FetchMode } from '../../src/model/index.js';
import { buildWorld, house, makeProperty, pageUrl } from '../support/extraction-world.js';

const both = makeProperty('4732 W Davis Rd, Glendale, AZ 85306', ['zillow', 'redfin']);

function request(overrides: Partial<ExtractPropertyRequest> = {}): ExtractPropertyRequest & { events: ExtractionEvent[] } {
  const events: ExtractionEvent[] = [];
  return { sources: ['zillow', 'redfin'], dryRun: false, jobId: null, onEvent: (e) => events.push(e), events, ...overrides };
}

async function bothWorld() {
  return buildWorld({
    zillow: new Map([[pageUrl('zillow', both), house(12, ['frontal', 'kitchen'])]]),
    redfin: new Map([[pageUrl('redfin', both), house(21, ['bathroom'])]]),
  });
}

describe('PropertyExtractor: fetch modes', () => {
  it('says in the outcome and the photos-listed events which mode served each source that said so', async () => {
    const world = await bothWorld();
    world.scrapers.zillow.fetchModes.set(pageUrl('zillow', both), 'http');
    world.scrapers.redfin.fetchModes.set(pageUrl('redfin', both), 'browser');
    const req = request();
    const outcome = await world.extractor.extractProperty(both, req);
    expect(outcome.fetchModes).toEqual([
      { source: 'zillow', mode: 'http' },
      { source: 'redfin', mode: 'browser' },
    ]);
    const listed = req.events.filter((e) => e.type === 'photos-listed');
    expect(listed.map((e) => [e.source, e.fetchMode])).toEqual([
      ['zillow', 'http'],
      ['redfin', 'browser'],
    ]);
  });

  it('adds nothing for a scraper that does not say how it fetched the page', async () => {
    const world = await bothWorld();
    world.scrapers.redfin.fetchModes.set(pageUrl('redfin', both), 'http');
    const req = request();
    const outcome = await world.extractor.extractProperty(both, req);
    expect(outcome.fetchModes).toEqual([{ source: 'redfin', mode: 'http' }]);
    const zillowListed = req.events.find((e) => e.type === 'photos-listed' && e.source === 'zillow');
    expect(zillowListed).toBeDefined();
    expect(zillowListed).not.toHaveProperty('fetchMode');
  });

  it('records the mode of a page read even when its photos then fail, and none for a page that failed', async () => {
    const world = await buildWorld({
      zillow: new Map([[pageUrl('zillow', both), [{ photoId: 'broken', body: Buffer.from('not an image') }]]]),
      redfin: new Map([[pageUrl('redfin', both), new Error('page down')]]),
    });
    world.scrapers.zillow.fetchModes.set(pageUrl('zillow', both), 'browser');
    const outcome = await world.extractor.extractProperty(both, request());
    expect(outcome.status).toBe('failed');
    expect(outcome.fetchModes).toEqual([{ source: 'zillow', mode: 'browser' }]);
  });

  it('passes the request fetch mode to every scraper call, and none when the request names none', async () => {
    const world = await bothWorld();
    await world.extractor.extractProperty(both, request({ fetchMode: 'http' }));
    await world.extractor.extractProperty(both, request());
    const modes = (source: 'zillow' | 'redfin') => world.scrapers[source].requests.map((r) => r.fetchMode);
    expect(modes('zillow')).toEqual(['http', undefined]);
    expect(modes('redfin')).toEqual(['http', undefined]);
    expect(world.scrapers.zillow.requests[1]).not.toHaveProperty('fetchMode');
  });

  it('runExtraction passes its fetch mode to each property', async () => {
    const world = await bothWorld();
    const outcomes = await runExtraction(
      { properties: [both], sources: ['zillow'], dryRun: true, jobId: null, fetchMode: 'browser' },
      world.extractor,
    );
    expect(outcomes).toHaveLength(1);
    expect(world.scrapers.zillow.requests.map((r) => r.fetchMode)).toEqual(['browser']);
  });

  it('refuses a fetch mode that is not auto, http or browser, naming the field', async () => {
    const world = await bothWorld();
    const error = await world.extractor.extractProperty(both, request({ fetchMode: 'fast' as FetchMode })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['fetchMode']);
    const runError = await runExtraction(
      { properties: [both], sources: ['zillow'], dryRun: true, jobId: null, fetchMode: 'fast' as FetchMode },
      world.extractor,
    ).catch((e: unknown) => e);
    expect((runError as InvalidInputError).issues.map((i) => i.path)).toEqual(['fetchMode']);
    expect(world.scrapers.zillow.requests).toEqual([]);
  });
});
