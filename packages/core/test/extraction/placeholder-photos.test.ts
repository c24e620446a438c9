import { describe, expect, it } from 'vitest';
import { buildWorld, house, makeProperty, pageUrl } from '../support/extraction-world.js';
import type { PhotoSpec } from '../support/extraction-world.js';
import { comingSoonCard, solidImage } from '../support/placeholder-images.js';

describe('PropertyExtractor with placeholder images in a gallery', () => {
  it('stores each flat colour and "Coming Soon" card as its own record, flagged placeholder and counted', async () => {
    const property = makeProperty('1 Flat Colours Rd, Phoenix, AZ 85001', ['zillow']);
    const placeholders: PhotoSpec[] = [
      { photoId: 'white', body: await solidImage([255, 255, 255], 'jpeg') },
      { photoId: 'grey', body: await solidImage([128, 128, 128], 'jpeg') },
      { photoId: 'blue', body: await solidImage([30, 79, 160], 'jpeg') },
      { photoId: 'soon-white', body: await comingSoonCard([255, 255, 255], [51, 51, 51]) },
      { photoId: 'soon-blue', body: await comingSoonCard([30, 79, 160], [255, 255, 255]) },
    ];
    const world = await buildWorld({
      zillow: new Map([[pageUrl('zillow', property), [...house(12, ['frontal', 'kitchen']), ...placeholders]]]),
    });
    const outcome = await world.extractor.extractProperty(property, { sources: ['zillow'], dryRun: false, jobId: null });
    expect(outcome).toMatchObject({ status: 'completed', photosFound: 7, newImages: 7, duplicateImages: 0, placeholderImages: 5 });
    const records = await world.repository.listPhotos(property.id);
    const flags = Object.fromEntries(records.map((r) => [r.photoIds.join('+'), r.placeholder]));
    expect(flags).toEqual({
      'h012-frontal': false,
      'h012-kitchen': false,
      white: true,
      grey: true,
      blue: true,
      'soon-white': true,
      'soon-blue': true,
    });
  });
});
