import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, InvalidInputError } from '../../src/errors/index.js';
import { PropertyExtractor, applyExtractionEvent, runExtraction } from '../../src/extraction/index.js';
import type { ExtractionEvent, PropertyExtracting, RunExtractionInput } from '../../src/extraction/index.js';
import { ZERO_COUNTERS, ZERO_OUTCOME_COUNTS } from '../../src/model/index.js';
import type { ExtractionCounters, Property, PropertyOutcome } from '../../src/model/index.js';
import { MemoryPhotoRepository, storedFileNames } from '../../src/photos/index.js';
import { FileImageStore } from '../../src/store/index.js';
import type { LogContext, Logger } from '../../src/ports/index.js';
import { buildWorld, house, makeProperty, pageUrl } from '../support/extraction-world.js';
import type { PageSpec } from '../support/extraction-world.js';

const properties = [1, 2, 3, 4, 5].map((n) => makeProperty(`${n} Elm Ave, Mesa, AZ 85201`, ['zillow']));

function galleries(byProperty: [Property, PageSpec][]): Map<string | null, PageSpec> {
  return new Map(byProperty.map(([p, page]) => [pageUrl('zillow', p), page]));
}

function input(overrides: Partial<RunExtractionInput> = {}): RunExtractionInput & { events: ExtractionEvent[] } {
  const events: ExtractionEvent[] = [];
  return { properties, sources: ['zillow'], dryRun: false, jobId: null, onEvent: (e) => events.push(e), events, ...overrides };
}

function fold(events: readonly ExtractionEvent[], totalProperties: number): ExtractionCounters {
  return events.reduce(applyExtractionEvent, { ...ZERO_COUNTERS, totalProperties });
}

describe('runExtraction', () => {
  it('extracts every property, returns outcomes in input order, and the events add up to them', async () => {
    const broken = new Error('page layout changed');
    const world = await buildWorld(
      {
        zillow: galleries([
          [properties[0] as Property, house(50)],
          [properties[1] as Property, house(12)],
          [properties[2] as Property, broken],
          [properties[3] as Property, [...house(51, ['kitchen']), { photoId: 'bad', body: 'images/corrupt-header-1024-bytes.jpg' }]],
          [properties[4] as Property, house(52, ['frontal'])],
        ]),
      },
      { fetchDelayMs: 2 },
    );
    const run = input({ propertyConcurrency: 2 });
    const outcomes = await runExtraction(run, world.extractor);
    expect(outcomes.map((o) => [o.address, o.status, o.newImages, o.duplicateImages, o.failedImages])).toEqual([
      ['1 Elm Ave, Mesa, AZ 85201', 'completed', 4, 0, 0],
      ['2 Elm Ave, Mesa, AZ 85201', 'completed', 3, 1, 0],
      ['3 Elm Ave, Mesa, AZ 85201', 'failed', 0, 0, 0],
      ['4 Elm Ave, Mesa, AZ 85201', 'completed', 1, 0, 1],
      ['5 Elm Ave, Mesa, AZ 85201', 'completed', 1, 0, 0],
    ]);
    expect(fold(run.events, 5)).toEqual({
      ...{ totalProperties: 5, completedProperties: 4, partialProperties: 0, deferredProperties: 0, failedProperties: 1 },
      ...{ totalImages: 10, newImages: 9, duplicateImages: 1, failedImages: 1, unchangedImages: 0, removedImages: 0, placeholderImages: 0 },
    });
  });

  it('counts photos listed in a dry run as totalImages', async () => {
    const world = await buildWorld({ zillow: galleries([[properties[0] as Property, house(53)]]) });
    const run = input({ properties: [properties[0] as Property], dryRun: true });
    await runExtraction(run, world.extractor);
    expect(fold(run.events, 1)).toMatchObject({ completedProperties: 1, totalImages: 4, newImages: 0 });
    expect(world.fetcher.fetched).toEqual([]);
  });

  it('skips the properties already done (resume) and leaves them out of the result', async () => {
    const world = await buildWorld({ zillow: galleries(properties.map((p, i) => [p, house(22 + i, ['kitchen'])])) });
    const outcomes = await runExtraction(input({ skip: [properties[0]!.id, properties[3]!.id] }), world.extractor);
    expect(outcomes.map((o) => o.propertyId)).toEqual([properties[1]!.id, properties[2]!.id, properties[4]!.id]);
    expect(world.scrapers.zillow.requests.map((r) => r.property.id)).not.toContain(properties[0]!.id);
  });

  it('treats a CancelledError of the extractor without an abort (its scrapers closed) as a cancelled run: no failed outcome, no new property', async () => {
    const started: string[] = [];
    const extractor: PropertyExtracting = {
      extractProperty: async (property): Promise<PropertyOutcome> => {
        started.push(property.id);
        if (property.id === properties[1]!.id) throw new CancelledError('browser pool is closed');
        return { ...failedLike(property), status: 'completed', sourcesRead: ['zillow'] };
      },
    };
    const run = input({ propertyConcurrency: 1 });
    const err = await runExtraction(run, extractor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).message).toBe('browser pool is closed');
    expect(started).toEqual([properties[0]!.id, properties[1]!.id]);
    expect(run.events).toEqual([]);
  });

  it('turns an unexpected throw of one property into its failed outcome; the others go on', async () => {
    const extractor: PropertyExtracting = {
      extractProperty: async (property): Promise<PropertyOutcome> => {
        if (property.id === properties[1]!.id) throw new TypeError('bug in a scraper');
        return { ...failedLike(property), status: 'completed', sourcesRead: ['zillow'] };
      },
    };
    const lines: [string, LogContext, string][] = [];
    const at = (level: string) => (context: LogContext, message: string) => void lines.push([level, context, message]);
    const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
    const run = input({ logger });
    const outcomes = await runExtraction(run, extractor);
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'failed', 'completed', 'completed', 'completed']);
    expect(outcomes[1]?.failures).toEqual([{ source: null, url: null, code: 'UNEXPECTED_ERROR', message: 'bug in a scraper' }]);
    expect(run.events).toEqual([{ type: 'property-finished', outcome: outcomes[1] }]);
    // The extractor that threw logged no end of the property: the run does.
    expect(lines).toEqual([
      [
        'error',
        { propertyId: properties[1]!.id, code: 'UNEXPECTED_ERROR', error: 'bug in a scraper' },
        'property failed: its extraction threw',
      ],
    ]);
  });

  it('on cancel starts no new property and rejects with CancelledError after the running ones stop', async () => {
    const world = await buildWorld({ zillow: galleries(properties.map((p, i) => [p, house(33 + i)])) }, { fetchDelayMs: 15 });
    const controller = new AbortController();
    const run = input({
      propertyConcurrency: 2,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'photo-stored') controller.abort();
      },
    });
    await expect(runExtraction(run, world.extractor)).rejects.toBeInstanceOf(CancelledError);
    const asked = new Set(world.scrapers.zillow.requests.map((r) => r.property.id));
    expect(asked.size).toBe(2);
    const inFlightAfter = world.fetcher.inFlight;
    expect(inFlightAfter).toBe(0);
  });

  it('rejects invalid input, listing every problem', async () => {
    const world = await buildWorld({});
    const bad = { ...input(), properties: [], sources: [], propertyConcurrency: 0 };
    const error: unknown = await runExtraction(bad, world.extractor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['properties', 'sources', 'propertyConcurrency']);
    const twice = input({ properties: [properties[0] as Property, properties[0] as Property] });
    await expect(runExtraction(twice, world.extractor)).rejects.toThrow(/property ids must be unique/);
  });

  it('lets a property give up its slot while it waits between attempts: with one slot, the next property runs meanwhile', async () => {
    const [first, second] = properties as [Property, Property];
    const steps: string[] = [];
    let secondDone = (): void => undefined;
    const secondFinished = new Promise<void>((resolve) => (secondDone = resolve));
    const extractor: PropertyExtracting = {
      async extractProperty(property, request) {
        steps.push(`${property.id} started`);
        // The first property waits for the second to finish: only possible if its slot went to the second meanwhile.
        if (property.id === first.id) await request.waitOutsideSlot?.(() => secondFinished);
        else secondDone();
        steps.push(`${property.id} finished`);
        return { ...failedLike(property), status: 'completed', sourcesRead: ['zillow'] };
      },
    };
    const outcomes = await runExtraction(input({ properties: [first, second], propertyConcurrency: 1 }), extractor);
    expect(outcomes.map((o) => o.propertyId)).toEqual([first.id, second.id]);
    expect(steps).toEqual([`${first.id} started`, `${second.id} started`, `${second.id} finished`, `${first.id} finished`]);
  });

  it('reads an async iterable of properties only as slots free up, skips the done ones, and keeps no outcome when asked', async () => {
    let read = 0;
    let mostAhead = 0;
    let running = 0;
    async function* stored(): AsyncIterable<Property> {
      for (const property of properties) {
        read += 1;
        yield property;
      }
    }
    let finished = 0;
    const extractor: PropertyExtracting = {
      async extractProperty(property) {
        running += 1;
        // Properties read but neither finished nor skipped (the second): at most the slots (2) when the list is read lazily.
        mostAhead = Math.max(mostAhead, read - finished - (read >= 2 ? 1 : 0));
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        finished += 1;
        return { ...failedLike(property), status: 'completed', sourcesRead: ['zillow'] };
      },
    };
    const run = input({ properties: stored(), propertyConcurrency: 2, skip: new Set([properties[1]!.id]), retainOutcomes: false });
    const outcomes = await runExtraction(run, extractor);
    expect(outcomes).toEqual([]);
    expect(read).toBe(5);
    expect(finished).toBe(4);
    expect(running).toBe(0);
    expect(mostAhead).toBeLessThanOrEqual(2);
  });

  it('stores files on disk with FileImageStore that match the records', async () => {
    const rootDir = await mkdtemp(join(tmpdir(), 'phx-run-'));
    try {
      const world = await buildWorld({ zillow: galleries([[properties[0] as Property, house(12)]]) });
      const store = new FileImageStore({ rootDir });
      const repository = new MemoryPhotoRepository();
      const extractor = new PropertyExtractor({ scrapers: world.scrapers, fetcher: world.fetcher, store, repository });
      await runExtraction(input({ properties: [properties[0] as Property] }), extractor);
      const records = await repository.listPhotos(properties[0]!.id);
      expect((await store.list(properties[0]!.id)).sort()).toEqual(records.flatMap(storedFileNames).sort());
      const manifest = JSON.parse(await readFile(join(rootDir, properties[0]!.id, 'manifest.json'), 'utf8')) as {
        photos: { sha256: string; variants: unknown[]; sources: string[] }[];
      };
      expect(manifest.photos.map((p) => p.sha256)).toEqual(records.map((r) => r.sha256));
      expect(manifest.photos.every((p) => p.variants.length === 2 && p.sources.length > 0)).toBe(true);
      for (const record of records) {
        expect(record.location).toBe(join(rootDir, properties[0]!.id, record.fileName));
        expect((await readFile(record.location)).length).toBe(record.byteLength);
      }
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });
});

function failedLike(property: Property): PropertyOutcome {
  return {
    ...{ propertyId: property.id, address: property.address, status: 'failed', ...ZERO_OUTCOME_COUNTS },
    ...{ sourcesRead: [], fetchModes: [], skippedSources: [], failures: [] },
  };
}
