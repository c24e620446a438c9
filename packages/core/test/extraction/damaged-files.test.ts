import { createHash } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PropertyExtractor } from '../../src/extraction/index.js';
import type { ExtractionEvent, ExtractPropertyRequest } from '../../src/extraction/index.js';
import type { LogContext, Logger, PhotoRecord } from '../../src/ports/index.js';
import { FileImageStore } from '../../src/store/index.js';
import { buildWorld, house, makeProperty, pageUrl } from '../support/extraction-world.js';
import type { ExtractionWorld } from '../support/extraction-world.js';

const home = makeProperty('2 Repair Way, Phoenix, AZ 85004', ['zillow']);

/** A logger that keeps the info and warn lines (message and context). */
function recordingLogger(lines: { message: string; context: LogContext }[]): Logger {
  const keep = (context: LogContext, message: string): void => void lines.push({ message, context });
  const logger: Logger = { debug: () => undefined, info: keep, warn: keep, error: keep, child: () => logger };
  return logger;
}

function request(events: ExtractionEvent[]): ExtractPropertyRequest {
  return { sources: ['zillow'], dryRun: false, jobId: null, onEvent: (e) => events.push(e) };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('PropertyExtractor re-run over damaged files (file system store, real photos)', () => {
  let rootDir: string | undefined;
  let store: FileImageStore;
  afterEach(async () => {
    if (rootDir !== undefined) await rm(rootDir, { recursive: true, force: true });
    rootDir = undefined;
  });

  /** Replaces a stored file's bytes in place, as a disk error or a stray writer would. */
  const damage = (fileName: string, bytes: Buffer): Promise<void> => writeFile(join(rootDir!, home.id, fileName), bytes);

  async function firstRun(): Promise<{
    world: ExtractionWorld;
    extractor: PropertyExtractor;
    records: PhotoRecord[];
    lines: { message: string; context: LogContext }[];
  }> {
    rootDir = await mkdtemp(join(tmpdir(), 'phx-damaged-'));
    store = new FileImageStore({ rootDir, fsync: false });
    const world = await buildWorld({ zillow: new Map([[pageUrl('zillow', home), house(5)]]) });
    const lines: { message: string; context: LogContext }[] = [];
    const { scrapers, fetcher, repository } = world;
    const extractor = new PropertyExtractor({ scrapers, fetcher, store, repository, logger: recordingLogger(lines) });
    const first = await extractor.extractProperty(home, request([]));
    expect(first).toMatchObject({ status: 'completed', newImages: 4, failedImages: 0 });
    return { world, extractor, records: await repository.listPhotos(home.id), lines };
  }

  it('stores again a truncated original: the re-run downloads it, rewrites the file whole and counts it unchanged', async () => {
    const { world, extractor, records, lines } = await firstRun();
    const victim = records[1]!;
    const whole = (await store.get(home.id, victim.fileName))!;
    expect(whole.length).toBe(victim.byteLength);
    await damage(victim.fileName, whole.subarray(0, Math.floor(whole.length / 3)));
    const downloads = world.fetcher.fetched.length;
    lines.length = 0;

    const events: ExtractionEvent[] = [];
    const again = await extractor.extractProperty(home, request(events));

    expect(again).toMatchObject({ status: 'completed', newImages: 0, duplicateImages: 0, unchangedImages: 4, failedImages: 0 });
    expect(world.fetcher.fetched.length - downloads, 'only the damaged photo is downloaded again').toBe(1);
    const restored = (await store.get(home.id, victim.fileName))!;
    expect(restored.length).toBe(victim.byteLength);
    expect(sha256(restored)).toBe(victim.sha256);
    expect(events.filter((e) => e.type === 'photo-unchanged')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'photo-stored')).toHaveLength(0);
    expect(lines.filter((l) => l.message === 'photo files stored again').map((l) => l.context)).toEqual([
      { photos: 1, missing: 0, sizeMismatch: 1 },
    ]);
    // A third run finds every file whole: nothing downloaded, nothing restored.
    lines.length = 0;
    const third = await extractor.extractProperty(home, request([]));
    expect(third).toMatchObject({ unchangedImages: 4, duplicateImages: 0 });
    expect(world.fetcher.fetched.length - downloads).toBe(1);
    expect(lines.filter((l) => l.message === 'photo files stored again')).toEqual([]);
  });

  it('stores again a thumbnail overwritten with garbage of another size', async () => {
    const { world, extractor, records, lines } = await firstRun();
    const victim = records[2]!;
    const thumb = victim.variants.find((v) => v.name === 'thumb')!;
    const original = (await store.get(home.id, thumb.fileName))!;
    await damage(thumb.fileName, Buffer.from('<html>not a webp</html>'));
    const downloads = world.fetcher.fetched.length;
    lines.length = 0;

    const again = await extractor.extractProperty(home, request([]));

    expect(again).toMatchObject({ status: 'completed', newImages: 0, duplicateImages: 0, unchangedImages: 4, failedImages: 0 });
    expect(world.fetcher.fetched.length - downloads).toBe(1);
    const restored = (await store.get(home.id, thumb.fileName))!;
    expect(restored.length).toBe(thumb.byteLength);
    expect(restored.equals(original)).toBe(true);
    expect(lines.filter((l) => l.message === 'photo files stored again').map((l) => l.context)).toEqual([
      { photos: 1, missing: 0, sizeMismatch: 1 },
    ]);
  });
});

describe('PropertyExtractor re-run over a deleted file (file system store)', () => {
  it('counts the photo stored again as unchanged and logs it as missing', async () => {
    const rootDir = await mkdtemp(join(tmpdir(), 'phx-deleted-'));
    try {
      const store = new FileImageStore({ rootDir, fsync: false });
      const world = await buildWorld({ zillow: new Map([[pageUrl('zillow', home), house(5)]]) });
      const lines: { message: string; context: LogContext }[] = [];
      const { scrapers, fetcher, repository } = world;
      const extractor = new PropertyExtractor({ scrapers, fetcher, store, repository, logger: recordingLogger(lines) });
      await extractor.extractProperty(home, request([]));
      const victim = (await repository.listPhotos(home.id))[3]!;
      await rm(join(rootDir, home.id, victim.fileName));
      // An emptied file is damaged too (size 0 is not the record's size).
      const other = (await repository.listPhotos(home.id))[0]!;
      await truncate(join(rootDir, home.id, other.variants[0]!.fileName), 0);
      lines.length = 0;
      const again = await extractor.extractProperty(home, request([]));
      expect(again).toMatchObject({ newImages: 0, duplicateImages: 0, unchangedImages: 4 });
      expect(lines.filter((l) => l.message === 'photo files stored again').map((l) => l.context)).toEqual([
        { photos: 2, missing: 1, sizeMismatch: 1 },
      ]);
      expect((await store.get(home.id, victim.fileName))?.length).toBe(victim.byteLength);
    } finally {
      await rm(rootDir, { recursive: true, force: true });
    }
  });
});
