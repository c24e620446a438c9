import { describe, expect, it } from 'vitest';
import { parseRedfinAboveTheFoldJson, parseRedfinListingPage } from '../../src/redfin/index.js';
import { readListing } from '../support/fixtures.js';

const big = (ds: number, sub: string, file: string): string => `https://ssl.cdn-redfin.com/photo/${ds}/bigphoto/${sub}/${file}`;

/**
 * Checked by hand against the saved pages: the count is the number of
 * `fullScreenPhotoUrl` entries in the aboveTheFold body, the URLs are the
 * 1st, 10th and last of them. Photo 0 is named `<MLS>_<version>.jpg`.
 */
const PAGES = [
  {
    file: 'redfin-hdp-vancouver-bc-154849597.html',
    count: 31,
    photos: [
      ['256/R3088944_0', big(256, '944', 'R3088944_4.jpg')],
      ['256/R3088944_9', big(256, '944', 'R3088944_9_3.jpg')],
      ['256/R3088944_30', big(256, '944', 'R3088944_30_0.jpg')],
    ],
    size: [2048, 1365],
    captions: 30,
    address: '2748 E 23rd Ave, Vancouver, BC V5R 1A8',
  },
  {
    file: 'redfin-hdp-vancouver-bc-155809679.html',
    count: 40,
    photos: [
      ['256/R3090427_0', big(256, '427', 'R3090427_1.jpg')],
      ['256/R3090427_9', big(256, '427', 'R3090427_9_1.jpg')],
      ['256/R3090427_39', big(256, '427', 'R3090427_39_1.jpg')],
    ],
    size: [3072, 2304],
    captions: 40,
    address: '829 E 14th Ave, Vancouver, BC V5T 2N5',
  },
  {
    file: 'redfin-hdp-vancouver-bc-156482034.html',
    count: 23,
    photos: [
      ['256/R3086230_0', big(256, '230', 'R3086230_2.jpg')],
      ['256/R3086230_9', big(256, '230', 'R3086230_9_2.jpg')],
      ['256/R3086230_22', big(256, '230', 'R3086230_22_0.jpg')],
    ],
    size: [3072, 2050],
    captions: 21,
    address: '788 W 8th Ave Unit L01, Vancouver, BC V5Z 1E1',
  },
] as const;

describe('parseRedfinListingPage on the saved detail pages', () => {
  for (const page of PAGES) {
    it(`reads ${page.count} photos in gallery order from ${page.file}`, () => {
      const parsed = parseRedfinListingPage(readListing('redfin', page.file), page.file);
      expect(parsed.photos).toHaveLength(page.count);
      expect(parsed.dataPath).toBe(
        '__reactServerState dataCache["/stingray/api/home/details/aboveTheFold"].res.text → payload.mediaBrowserInfo.photos',
      );
      expect(parsed.address).toBe(page.address);
      for (const [index, [id, url]] of [0, 9, page.count - 1].map((i, k) => [i, page.photos[k] ?? ['', '']] as const)) {
        expect(parsed.photos[index]?.photoId).toBe(id);
        expect(parsed.photos[index]?.url).toBe(url);
      }
      expect(parsed.photos[0]?.widthPx).toBe(page.size[0]);
      expect(parsed.photos[0]?.heightPx).toBe(page.size[1]);
      expect(parsed.photos.filter((p) => p.caption !== null)).toHaveLength(page.captions);
      const ids = parsed.photos.map((p) => p.photoId);
      expect(new Set(ids).size).toBe(ids.length);
    });
  }

  it('lists the other sizes of a photo, largest first, and takes its caption from photoTagsAndCaptions', () => {
    const parsed = parseRedfinListingPage(readListing('redfin', 'redfin-hdp-vancouver-bc-154849597.html'), 'p');
    const photo = parsed.photos[2];
    expect(photo?.caption).toBe('Open-concept living space');
    expect(photo?.variants.map((v) => v.url)).toEqual([
      'https://ssl.cdn-redfin.com/photo/256/mbpaddedwide/944/genMid.R3088944_2_3.jpg',
      'https://ssl.cdn-redfin.com/photo/256/mbphotov3/944/genMid.R3088944_2_3.jpg',
      'https://ssl.cdn-redfin.com/photo/256/bcsphoto/944/genBcs.R3088944_2_3.jpg',
      'https://ssl.cdn-redfin.com/photo/256/tmbphoto/944/genTmb.R3088944_2_3.jpg',
    ]);
  });

  it('reads the 7 photos the rendered-DOM New York page shows (of the 11 it declares), in index order', () => {
    const parsed = parseRedfinListingPage(readListing('redfin', 'redfin-hdp-rendered-dom-new-york-ny-45142411.html'), 'ny');
    // 14 distinct URLs on the page are 7 photos in JPEG and WebP; the preview shows photos 0,1,2,4,5,6,8 of 11.
    expect(parsed.dataPath).toBe('rendered media browser [data-rf-test-id="mediaBrowser"]');
    expect(parsed.declaredPhotoCount).toBe(11);
    expect(parsed.photos.map((p) => p.photoId)).toEqual([
      '211/RLS20051747_0',
      '211/RLS20051747_1',
      '211/RLS20051747_2',
      '211/RLS20051747_4',
      '211/RLS20051747_5',
      '211/RLS20051747_6',
      '211/RLS20051747_8',
    ]);
    expect(parsed.photos[0]?.url).toBe(big(211, '747', 'RLS20051747_0.jpg'));
    // The full size is derived from the shown mbphotov3 size: same file name, no gen prefix.
    expect(parsed.photos[1]?.url).toBe(big(211, '747', 'RLS20051747_1_0.jpg'));
    expect(parsed.photos[1]?.variants.map((v) => v.url)).toEqual([
      big(211, '747', 'RLS20051747_1_0.webp'),
      'https://ssl.cdn-redfin.com/photo/211/mbphotov3/747/genMid.RLS20051747_1_0.jpg',
      'https://ssl.cdn-redfin.com/photo/211/mbphotov3/747/genMid.RLS20051747_1_0.webp',
    ]);
    expect(parsed.address).toBe('111 4th Ave Unit 3I, New York, NY 10003');
  });
});

describe('parseRedfinAboveTheFoldJson', () => {
  it('reads the saved stingray body (with its {}&& prefix): the same 31 photos as the page', () => {
    const file = 'redfin-stingray-aboveTheFold-vancouver-bc-154849597.json';
    const text = readListing('redfin', file);
    expect(text.startsWith('{}&&')).toBe(true);
    const parsed = parseRedfinAboveTheFoldJson(text, file);
    const page = parseRedfinListingPage(readListing('redfin', 'redfin-hdp-vancouver-bc-154849597.html'), 'p');
    expect(parsed.photos).toHaveLength(31);
    expect(parsed.photos.map((p) => [p.photoId, p.url])).toEqual(page.photos.map((p) => [p.photoId, p.url]));
  });
});
