import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MemoryImageStore, MemoryPhotoRepository, PropertyExtractor, parsePropertiesCsv } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';
import { replayKit } from '../support/kit.js';

/** Photos per sample property, as the parser tests checked them against the pages. */
const EXPECTED_PHOTOS: Readonly<Record<string, number>> = {
  '3001 Garwood St, Austin, TX 78702': 1,
  '1000 Plymouth Dr, Austin, TX 78758': 38,
  '235 W Van Buren St UNIT 1509, Chicago, IL 60607': 5,
  '6851 Roswell Rd APT O31, Sandy Springs, GA 30328': 42,
  '1233 Palms Blvd, Venice, CA 90291': 31,
  '111 4th Ave Unit 3I, New York, NY 10003': 7,
  '2748 E 23rd Ave, Vancouver, BC V5R 1A8': 31,
  '829 E 14th Ave, Vancouver, BC V5T 2N5': 40,
  '788 W 8th Ave Unit L01, Vancouver, BC V5Z 1E1': 23,
};

describe('the sample properties through core’s PropertyExtractor, in replay', () => {
  it(
    'completes every property but the one whose page shows fewer photos than it declares: each photo downloaded, decoded and stored once, none failed',
    { timeout: 300_000 },
    async () => {
      const properties = parsePropertiesCsv(readFileSync(path.join(repoRoot, 'tools/data/sample-properties.csv'), 'utf8'));
      const kit = await replayKit('context');
      const store = new MemoryImageStore();
      const extractor = new PropertyExtractor({
        scrapers: kit.scrapers,
        fetcher: kit.fetcher,
        store,
        repository: new MemoryPhotoRepository(),
      });
      try {
        for (const property of properties) {
          const outcome = await extractor.extractProperty(property, { sources: ['zillow', 'redfin'], dryRun: false, jobId: null });
          await Promise.all([kit.scrapers.zillow.releaseProperty(property.id), kit.scrapers.redfin.releaseProperty(property.id)]);
          const expected = EXPECTED_PHOTOS[property.address];
          // The New York page shows 7 of the 11 photos it declares: partial, saying so; every other page gives all it declares.
          const partial = property.address.startsWith('111 4th Ave');
          expect({
            address: property.address,
            status: outcome.status,
            missing: outcome.missingPhotos,
            failures: outcome.failures.map((f) => f.code),
          }).toEqual({
            address: property.address,
            status: partial ? 'partial' : 'completed',
            missing: partial ? 4 : 0,
            failures: partial ? ['PHOTOS_MISSING'] : [],
          });
          expect(outcome.photosFound).toBe(expected);
          // Every photo id got its own real photo, so nothing of one listing is a duplicate.
          expect([outcome.newImages, outcome.duplicateImages, outcome.failedImages]).toEqual([expected, 0, 0]);
          // One original per photo, plus whatever size variants core stores beside it.
          expect((await store.list(property.id)).length).toBeGreaterThanOrEqual(expected ?? Number.POSITIVE_INFINITY);
        }
      } finally {
        await kit.close();
      }
    },
  );
});
