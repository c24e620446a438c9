import { describe, expect, it } from 'vitest';
import { galleryItems, photoAlt, photosZipUrl } from '../src/lib/gallery.js';

const file = (url: string, widthPx = 400, heightPx = 300) => ({ url, widthPx, heightPx });

describe('galleryItems', () => {
  it('keeps the records’ gallery order and matches their files by SHA-256', () => {
    const photos = [
      {
        sha256: 'bbb',
        caption: 'Kitchen',
        sources: ['zillow', 'redfin'],
        positions: [
          { source: 'zillow', position: 0 },
          { source: 'redfin', position: 3 },
        ],
      },
      { sha256: 'aaa', caption: null, sources: ['redfin'], positions: [] },
      { sha256: 'ccc', caption: '  ', sources: ['zillow', 'redfin'], positions: [{ source: 'redfin', position: 2 }] },
    ];
    const images = [
      { sha256: 'aaa', original: file('/images/p/aaa.jpg', 2000, 1500), web: null, thumbnail: null },
      {
        sha256: 'bbb',
        original: file('/images/p/bbb.jpg'),
        web: file('/images/p/bbb.web.webp'),
        thumbnail: file('/images/p/bbb.thumb.webp'),
      },
    ];
    const items = galleryItems(photos, images);
    expect(items.map((i) => [i.photo.sha256, i.thumbnail?.url ?? null, i.web?.url ?? null, i.originalUrl, i.alt, i.placements])).toEqual([
      ['bbb', '/images/p/bbb.thumb.webp', '/images/p/bbb.web.webp', '/images/p/bbb.jpg', 'Kitchen', ['zillow #1', 'redfin #4']],
      ['aaa', '/images/p/aaa.jpg', '/images/p/aaa.jpg', '/images/p/aaa.jpg', 'Photo 2 of 3', ['redfin']],
      ['ccc', null, null, null, 'Photo 3 of 3', ['zillow', 'redfin #3']],
    ]);
  });
});

describe('photoAlt and photosZipUrl', () => {
  it('uses the caption, else the place in the gallery', () => {
    expect(photoAlt(' Pool ', 0, 5)).toBe('Pool');
    expect(photoAlt(undefined, 4, 5)).toBe('Photo 5 of 5');
  });

  it('encodes the property id into the zip URL', () => {
    expect(photosZipUrl('4732-w-davis-rd-glendale-az-85306')).toBe('/images/4732-w-davis-rd-glendale-az-85306/photos.zip');
    expect(photosZipUrl('a b')).toBe('/images/a%20b/photos.zip');
  });
});
