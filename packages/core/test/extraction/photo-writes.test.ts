import { describe, expect, it } from 'vitest';
import { PropertyExtractor } from '../../src/extraction/index.js';
import type { ExtractPropertyRequest } from '../../src/extraction/index.js';
import type { PropertyId } from '../../src/model/index.js';
import { MemoryPhotoRepository } from '../../src/photos/index.js';
import type { PhotoObservation, PhotoRecord, PhotoRepository, RemovedPhotosQuery } from '../../src/ports/index.js';
import { MemoryImageStore } from '../../src/store/index.js';
import { buildWorld, house, makeProperty, pageUrl } from '../support/extraction-world.js';
import type { PageSpec } from '../support/extraction-world.js';

const property = makeProperty('7 Keyed Write Ln, Phoenix, AZ 85001', ['zillow']);

type Call =
  | { readonly kind: 'recordPhoto'; readonly observation: PhotoObservation }
  | { readonly kind: 'recordSightings'; readonly observations: readonly PhotoObservation[] }
  | { readonly kind: 'markRemoved'; readonly query: RemovedPhotosQuery }
  | { readonly kind: 'listPhotos' };

/** The reference repository, with every call written down in order. */
class RecordingRepository implements PhotoRepository {
  readonly calls: Call[] = [];
  readonly #inner = new MemoryPhotoRepository();

  recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }> {
    this.calls.push({ kind: 'recordPhoto', observation });
    return this.#inner.recordPhoto(observation);
  }

  recordSightings(observations: readonly PhotoObservation[]): Promise<void> {
    this.calls.push({ kind: 'recordSightings', observations: [...observations] });
    return this.#inner.recordSightings(observations);
  }

  listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]> {
    this.calls.push({ kind: 'listPhotos' });
    return this.#inner.listPhotos(propertyId);
  }

  markRemoved(query: RemovedPhotosQuery): Promise<number> {
    this.calls.push({ kind: 'markRemoved', query });
    return this.#inner.markRemoved(query);
  }
}

function request(): ExtractPropertyRequest {
  return { sources: ['zillow'], dryRun: false, jobId: null };
}

function gallery(specs: PageSpec): Partial<Record<'zillow', Map<string | null, PageSpec>>> {
  return { zillow: new Map([[pageUrl('zillow', property), specs]]) };
}

describe('PropertyExtractor: photo writes by key', () => {
  it('says which photos are new pictures, and batches the sightings of known ones before markRemoved', async () => {
    const repository = new RecordingRepository();
    const store = new MemoryImageStore();
    const first = await buildWorld(gallery(house(12)), { extractor: { repository, store } });
    await first.extractor.extractProperty(property, request());
    const created = repository.calls.flatMap((c) => (c.kind === 'recordPhoto' ? [c.observation] : []));
    // house 12 lists one picture twice (byte-identical): three new pictures, then a sighting of a known one.
    expect(created.filter((o) => o.newPicture === true)).toHaveLength(3);
    const joined = created.filter((o) => o.newPicture !== true);
    expect(joined.map((o) => o.recordKey)).toEqual([`${property.id}:${joined[0]?.sha256}`]);

    repository.calls.length = 0;
    const second = await buildWorld(gallery(house(12, ['bathroom', 'bedroom', 'frontal'])), { extractor: { repository, store } });
    const outcome = await second.extractor.extractProperty(property, request());
    expect(outcome).toMatchObject({ status: 'completed', unchangedImages: 3, duplicateImages: 0, removedImages: 1 });
    const kinds = repository.calls.map((c) => c.kind);
    // One read of the records, one batch write of the three sightings, the removal; then the manifest's read.
    expect(kinds.slice(0, 3)).toEqual(['listPhotos', 'recordSightings', 'markRemoved']);
    const [, batch, removal] = repository.calls;
    const records = await repository.listPhotos(property.id);
    expect(batch?.kind === 'recordSightings' && batch.observations.map((o) => o.recordKey)).toEqual(
      batch?.kind === 'recordSightings' && batch.observations.map((o) => records.find((r) => r.sha256 === o.sha256)?.key),
    );
    // markRemoved decides on the records the run holds, with this run's sightings in them.
    const held = removal?.kind === 'markRemoved' ? removal.query.records : undefined;
    expect(held?.map((r) => [r.key, r.photoIds])).toEqual(records.map((r) => [r.key, r.photoIds]));
    expect(records.filter((r) => r.removedAt !== null).map((r) => r.photoIds)).toEqual([['h012-kitchen']]);
  });

  it('does not vouch for new pictures or the records when some record lost its files', async () => {
    const repository = new RecordingRepository();
    const first = await buildWorld(gallery(house(3)), { extractor: { repository } });
    await first.extractor.extractProperty(property, request());
    repository.calls.length = 0;
    const { scrapers, fetcher } = first;
    const extractor = new PropertyExtractor({ scrapers, fetcher, store: new MemoryImageStore(), repository });
    expect(await extractor.extractProperty(property, request())).toMatchObject({ status: 'completed', newImages: 0 });
    const writes = repository.calls.flatMap((c) => (c.kind === 'recordPhoto' ? [c.observation] : []));
    expect(writes).toHaveLength(4);
    expect(writes.some((o) => o.newPicture === true)).toBe(false);
    const removal = repository.calls.find((c) => c.kind === 'markRemoved');
    expect(removal?.kind === 'markRemoved' && removal.query.records).toBeUndefined();
  });

  it('fails the source when the batch write fails, after every photo settled', async () => {
    const repository = new RecordingRepository();
    const store = new MemoryImageStore();
    const first = await buildWorld(gallery(house(5)), { extractor: { repository, store } });
    await first.extractor.extractProperty(property, request());
    repository.recordSightings = () => Promise.reject(new Error('database went away'));
    repository.calls.length = 0;
    const second = await buildWorld(gallery(house(5)), { extractor: { repository, store } });
    const outcome = await second.extractor.extractProperty(property, request());
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toEqual([
      expect.objectContaining({ source: 'zillow', message: expect.stringContaining('database went away') }),
    ]);
    expect(repository.calls.map((c) => c.kind)).not.toContain('markRemoved');
  });
});
