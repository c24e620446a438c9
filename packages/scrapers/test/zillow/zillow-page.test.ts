import { describe, expect, it } from 'vitest';
import { parseZillowListingPage, parseZillowPropertyJson } from '../../src/zillow/index.js';
import { readListing } from '../support/fixtures.js';

const fp = (key: string, variant: string): string => `https://photos.zillowstatic.com/fp/${key}-${variant}`;

/**
 * Expected values checked by hand against the saved pages: the photo count is
 * the number of distinct keys of `-uncropped_scaled_within_1536_1152.jpg`
 * URLs (only `originalPhotos` carries that size), the ids are the 1st, 10th
 * and last of them in page order.
 */
const PAGES = [
  {
    file: 'zillow-hdp-sandy-springs-ga-2146993218.html',
    count: 42,
    ids: ['6a8effb9d0a089d0ff529cc3916940be', 'c18d927531b7c89afe4da9848b8ad730', '1d388f80782d9cc298a1170fc5984903'],
    address: '6851 Roswell Rd APT O31, Sandy Springs, GA 30328',
    path: 'props.pageProps.componentProps.gdpClientCache',
  },
  {
    file: 'zillow-hdp-venice-ca-20454567.html',
    count: 31,
    ids: ['f9ca1a2042743bdd51a89ce755a4c7cc', '66e0652a44990fa04df927f79924c69d', '519f86855f22a89bbfb81ec713c33871'],
    address: '1233 Palms Blvd, Venice, CA 90291',
    path: 'props.pageProps.componentProps.gdpClientCache',
  },
  {
    file: 'zillow-hdp-chicago-il-119974210.html',
    count: 5,
    ids: ['09457098febda15b5393bdc9d21d9cab', null, '5083e80485a25cd2dc0c7effe8cdadb9'],
    address: '235 W Van Buren St UNIT 1509, Chicago, IL 60607',
    path: 'props.pageProps.componentProps.gdpClientCache',
  },
  {
    file: 'zillow-hdp-austin-tx-29423592.html',
    count: 38,
    ids: ['0908196da96088046519d08b7d069684', 'c148e743a8c40d2f5478a36630d2e199', '27f432ed6fc823260a3387c683ee2708'],
    address: '1000 Plymouth Dr, Austin, TX 78758',
    path: 'props.pageProps.gdpClientCache',
  },
] as const;

describe('parseZillowListingPage on the saved detail pages', () => {
  for (const page of PAGES) {
    it(`reads ${page.count} photos in gallery order from ${page.file}`, () => {
      const parsed = parseZillowListingPage(readListing('zillow', page.file), page.file);
      expect(parsed.photos).toHaveLength(page.count);
      expect(parsed.declaredPhotoCount).toBe(page.count);
      expect(parsed.dataPath).toContain(page.path);
      expect(parsed.address).toBe(page.address);
      expect(parsed.excluded).toEqual([]);
      expect(parsed.placeholderOnly).toBe(false);
      expect(parsed.photos.filter((p) => p.sizeDowngrade !== undefined)).toEqual([]); // every saved page lists its sizes
      const [first, tenth, last] = page.ids;
      expect(parsed.photos[0]?.photoId).toBe(first);
      if (tenth !== null) expect(parsed.photos[9]?.photoId).toBe(tenth);
      expect(parsed.photos.at(-1)?.photoId).toBe(last);
      // One entry per photo: ids unique, every id a 32-hex key.
      const ids = parsed.photos.map((p) => p.photoId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    });
  }

  it('flags sizeDowngrade on every photo when mixedSources (the field listing the sizes, largest included) is renamed', () => {
    // The saved Chicago page with `mixedSources` renamed: each photo item still has its smaller `url`.
    const renamed = readListing('zillow', 'zillow-hdp-chicago-il-119974210.html').replaceAll('mixedSources', 'imageSources');
    const parsed = parseZillowListingPage(renamed, 'chicago');
    expect(parsed.photos).toHaveLength(5);
    const photo = parsed.photos[0];
    expect(photo?.url).toBe(fp('09457098febda15b5393bdc9d21d9cab', 'p_d.jpg'));
    expect(photo?.sizeDowngrade).toMatch(/mixedSources/);
    expect(parsed.photos.every((p) => p.sizeDowngrade !== undefined)).toBe(true);
  });

  it('picks the uncropped 1536 px JPEG as the largest size and lists the other 24 sizes', () => {
    const parsed = parseZillowListingPage(readListing('zillow', 'zillow-hdp-chicago-il-119974210.html'), 'chicago');
    const photo = parsed.photos[0];
    const key = '09457098febda15b5393bdc9d21d9cab';
    expect(photo?.url).toBe(fp(key, 'uncropped_scaled_within_1536_1152.jpg'));
    expect(photo?.widthPx).toBe(1536);
    // 8 cropped widths x 2 formats + 4 original sizes x 2 formats + the p_d thumbnail, minus the chosen one.
    expect(photo?.variants).toHaveLength(24);
    expect(photo?.variants[0]).toEqual({ url: fp(key, 'uncropped_scaled_within_1536_1152.webp'), widthPx: 1536, format: 'webp' });
    expect(photo?.variants).toContainEqual({ url: fp(key, 'cc_ft_1536.jpg'), widthPx: 1536, format: 'jpeg' });
    expect(photo?.variants).toContainEqual({ url: fp(key, 'o_a.jpg'), widthPx: 1024, format: 'jpeg' });
    expect(photo?.variants).toContainEqual({ url: fp(key, 'd_d.webp'), widthPx: 800, format: 'webp' });
    const widths = photo?.variants.map((v) => v.widthPx ?? -1) ?? [];
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
  });

  it('never mixes in photos of nearby or similar homes', () => {
    const html = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html');
    const allKeys = new Set([...html.matchAll(/photos\.zillowstatic\.com\/fp\/([0-9a-f]{32})-/g)].map((m) => m[1]));
    const parsed = parseZillowListingPage(html, 'austin');
    // The page carries more photo keys than the listing's 38 (nearby homes, comps).
    expect(allKeys.size).toBeGreaterThan(38);
    expect(parsed.photos).toHaveLength(38);
  });

  it('keeps the single Street View image of 29384654 as its one photo, flagged as a placeholder', () => {
    const parsed = parseZillowListingPage(readListing('zillow', 'zillow-hdp-austin-tx-29384654.html'), 'garwood');
    // property.photoCount is 1 and the one gallery image is a maps.googleapis.com Street View image:
    // the listing has no photos of its own. The zillowstatic keys on the page are nearby homes'.
    expect(parsed.declaredPhotoCount).toBe(1);
    expect(parsed.placeholderOnly).toBe(true);
    expect(parsed.photos).toHaveLength(1);
    const photo = parsed.photos[0];
    expect(photo?.photoId).toMatch(/^streetview-[0-9a-f]{32}$/);
    expect(photo?.url).toMatch(
      /^https:\/\/maps\.googleapis\.com\/maps\/api\/streetview\?location=3001\+Garwood\+St%2C\+Austin%2C\+TX\+78702&size=1536x1152&/,
    );
    expect(photo?.widthPx).toBe(1536);
    expect(photo?.caption).toMatch(/Street View/);
    // 192..1536 cropped sizes and 800..1536 original-ratio sizes, one URL per size.
    expect(photo?.variants).toHaveLength(10);
    expect(parsed.address).toBe('3001 Garwood St, Austin, TX 78702');
  });
});

describe('parseZillowPropertyJson', () => {
  it('reads the 21 photos of the pretty-printed San Francisco property object', () => {
    const file = 'zillow-property-json-san-francisco-ca-15192198.json';
    const parsed = parseZillowPropertyJson(readListing('zillow', file), file);
    expect(parsed.photos).toHaveLength(21);
    expect(parsed.photos[0]?.photoId).toBe('fc74d9ea95fb55d5343f731fb0c1bc56');
    expect(parsed.photos[9]?.photoId).toBe('1d49c0c1834c8e82ec6c24f3362ff154');
    expect(parsed.photos[20]?.photoId).toBe('7d7627b8c4ac10ff9cc75299b99bda21');
    // No originalPhotos here: the 1536 uncropped size comes from responsivePhotosOriginalRatio.
    expect(parsed.photos[0]?.url).toBe(fp('fc74d9ea95fb55d5343f731fb0c1bc56', 'uncropped_scaled_within_1536_1152.jpg'));
    expect(parsed.address).toBe('661 Lakeview Ave, San Francisco, CA 94112');
    expect(parsed.listingId).toBe('15192198');
  });
});
