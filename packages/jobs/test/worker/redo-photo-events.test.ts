import { describe, expect, it } from 'vitest';
import { toContentHash, toPropertyId } from '@phx/core';
import type { ExtractionEvent } from '@phx/core';
import { RedoPhotoEvents } from '../../src/worker/redo-photo-events.js';

const propertyId = toPropertyId('1-main-st');
const hash = (c: string) => toContentHash(c.repeat(64));
const unchanged = (photoId: string, sha: string): ExtractionEvent => ({
  type: 'photo-unchanged',
  propertyId,
  source: 'zillow',
  photoId,
  sha256: hash(sha),
});
const stored = (photoId: string, sha: string, created: boolean): ExtractionEvent => ({
  type: 'photo-stored',
  propertyId,
  source: 'zillow',
  photoId,
  sha256: hash(sha),
  created,
});

describe('RedoPhotoEvents', () => {
  it('announces a photo the job stored in an earlier attempt once, as new; later sightings are duplicates', () => {
    const created = new Map([[hash('a'), hash('a')]]);
    const redo = new RedoPhotoEvents(created, new Set());
    expect(redo.rewrite(unchanged('p1', 'a'))).toEqual(stored('p1', 'a', true));
    expect(redo.rewrite(unchanged('p2', 'a'))).toEqual(stored('p2', 'a', false));
  });

  it('drops the sighting of a photo the log already announced, and keeps photos the job did not create', () => {
    const created = new Map([[hash('a'), hash('a')]]);
    const redo = new RedoPhotoEvents(created, new Set([hash('a')]));
    expect(redo.rewrite(unchanged('p1', 'a'))).toBeNull();
    expect(redo.rewrite(unchanged('p3', 'b'))).toEqual(unchanged('p3', 'b'));
    expect(redo.rewrite(stored('p4', 'c', true))).toEqual(stored('p4', 'c', true));
  });

  it('notes the new photos a first attempt announces, so a retry in the same run does not announce them again', () => {
    const announced = new Set<string>();
    new RedoPhotoEvents(new Map(), announced).rewrite(stored('p1', 'a', true));
    const retry = new RedoPhotoEvents(new Map([[hash('a'), hash('a')]]), announced);
    expect(retry.rewrite(unchanged('p1', 'a'))).toBeNull();
  });
});
