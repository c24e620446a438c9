import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toPropertyId } from '@phx/core';
import { PHOTO_COLLECTION_PARTITIONS, photoCollectionName, photoCollectionNames } from '../../src/repository/photo-partitions.js';

describe('photoCollectionName: the partition of a property', () => {
  it('is the first 4 bytes of the SHA-1 of the property id modulo 1,024, in 4 digits: the same in every process and version', () => {
    expect(PHOTO_COLLECTION_PARTITIONS).toBe(1024);
    // SHA-1 of '1-main-st-phoenix-az-85001' begins ee103c10: 0xee103c10 % 1024 = 16.
    expect(createHash('sha1').update('1-main-st-phoenix-az-85001').digest('hex').slice(0, 8)).toBe('ee103c10');
    expect(photoCollectionName(toPropertyId('1 Main St, Phoenix, AZ 85001'))).toBe('photos.0016');
    expect(photoCollectionName('x')).toBe('photos.0398');
    expect(photoCollectionName('x', 'photos_recorded')).toBe('photos_recorded.0398');
  });

  it('spreads properties over every partition about evenly, each name one of photoCollectionNames', () => {
    const names = photoCollectionNames();
    expect(names).toHaveLength(PHOTO_COLLECTION_PARTITIONS);
    expect([names[0], names[1023]]).toEqual(['photos.0000', 'photos.1023']);
    expect(new Set(names).size).toBe(PHOTO_COLLECTION_PARTITIONS);
    const counts = new Map<string, number>();
    for (let i = 0; i < 100 * PHOTO_COLLECTION_PARTITIONS; i += 1) {
      const name = photoCollectionName(toPropertyId(`${i} W Camelback Rd, Phoenix, AZ 85013`));
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect([...counts.keys()].every((n) => names.includes(n))).toBe(true);
    expect(counts.size).toBe(PHOTO_COLLECTION_PARTITIONS);
    // 100 a partition on average: a fair hash stays well within 50-160 (binomial, sd 10).
    expect(Math.min(...counts.values())).toBeGreaterThan(50);
    expect(Math.max(...counts.values())).toBeLessThan(160);
  });
});
