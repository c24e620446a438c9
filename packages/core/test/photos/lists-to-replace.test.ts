import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_SIGHTINGS, listsToReplace, newPhotoRecord, toContentHash, toPropertyId } from '../../src/index.js';
import type { PhotoObservation } from '../../src/index.js';

const propertyId = toPropertyId('1 Rotating Url Rd, Phoenix, AZ 85001');
const sighting = (n: number, over: Partial<PhotoObservation> = {}): PhotoObservation => ({
  propertyId,
  sha256: toContentHash('a'.repeat(64)),
  format: 'jpeg',
  widthPx: 1536,
  heightPx: 1024,
  byteLength: 200_000,
  fileName: `${'a'.repeat(64)}.jpg`,
  location: `${'a'.repeat(64)}.jpg`,
  source: 'zillow',
  photoId: 'p1',
  url: `https://photos.example/p1.jpg?v=${n}`,
  seenAt: new Date(1_700_000_000_000 + n),
  jobId: null,
  etag: `"e${n}"`,
  ...over,
});

describe('listsToReplace', () => {
  it('says nothing while adding keeps every list within MAX_PHOTO_SIGHTINGS, or the value is held', () => {
    const record = newPhotoRecord(sighting(0));
    expect(listsToReplace(record, sighting(1))).toBeUndefined();
    expect(listsToReplace(record, sighting(0))).toBeUndefined();
  });

  it('gives the latest MAX_PHOTO_SIGHTINGS values, the new one last, of each list that would pass the bound', () => {
    const urls = Array.from({ length: MAX_PHOTO_SIGHTINGS }, (_, n) => `https://photos.example/p1.jpg?v=${n}`);
    const record = { ...newPhotoRecord(sighting(0)), urls, etags: ['"e0"'] };
    const lists = listsToReplace(record, sighting(MAX_PHOTO_SIGHTINGS));
    expect(lists).toEqual({ urls: [...urls.slice(1), `https://photos.example/p1.jpg?v=${MAX_PHOTO_SIGHTINGS}`] });
    expect(lists?.urls).toHaveLength(MAX_PHOTO_SIGHTINGS);
    // A held value replaces nothing, however full the list.
    expect(listsToReplace(record, sighting(3, { url: urls[3]!, etag: '"e0"' }))).toBeUndefined();
  });
});
