import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isSamePicture, parsePropertiesCsv, readUpright } from '@phx/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReplayArchive, assignReplayPhotos, listHousePhotos } from '../../src/replay/index.js';
import { fixturesDir, repoRoot } from '../support/fixtures.js';

let archive: ReplayArchive;
beforeAll(async () => {
  archive = await ReplayArchive.load({ fixturesDir });
});

describe('ReplayArchive', () => {
  it('maps every saved detail page to the real URL the page names', () => {
    expect(archive.listings.map((l) => [path.basename(l.file), l.url])).toEqual([
      ['zillow-hdp-austin-tx-29384654.html', 'https://www.zillow.com/homedetails/3001-Garwood-St-Austin-TX-78702/29384654_zpid/'],
      ['zillow-hdp-austin-tx-29423592.html', 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/'],
      [
        'zillow-hdp-chicago-il-119974210.html',
        'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/',
      ],
      // No canonical link on this pretty-printed save: the URL comes from the property's hdpUrl.
      [
        'zillow-hdp-sandy-springs-ga-2146993218.html',
        'https://www.zillow.com/homedetails/6851-Roswell-Rd-APT-O31-Sandy-Springs-GA-30328/2146993218_zpid/',
      ],
      ['zillow-hdp-venice-ca-20454567.html', 'https://www.zillow.com/homedetails/1233-Palms-Blvd-Venice-CA-90291/20454567_zpid/'],
      // Rendered DOM only: the URL comes from the page's links to itself.
      ['redfin-hdp-rendered-dom-new-york-ny-45142411.html', 'https://www.redfin.com/NY/New-York/111-4th-Ave-10003/unit-3I/home/45142411'],
      ['redfin-hdp-vancouver-bc-154849597.html', 'https://www.redfin.ca/bc/vancouver/2748-E-23rd-Ave-V5R-1A7/home/154849597'],
      ['redfin-hdp-vancouver-bc-155809679.html', 'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679'],
      ['redfin-hdp-vancouver-bc-156482034.html', 'https://www.redfin.ca/bc/vancouver/788-W-8th-Ave-V5Z-1E1/unit-L01/home/156482034'],
    ]);
  });

  it('answers a page URL whatever its trailing slash, query or fragment, and nothing else', () => {
    const url = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid';
    expect(archive.lookup(url)?.status).toBe(200);
    expect(archive.lookup(`${url}/?utm=x#photos`)?.body.toString('utf8')).toContain('__NEXT_DATA__');
    expect(archive.lookup('https://www.zillow.com/homedetails/x/1_zpid/')).toBeNull();
    expect(archive.lookup('https://example.com/')).toBeNull();
  });

  it("answers Redfin's aboveTheFold API for the property whose body was saved", () => {
    const api = archive.lookup('https://www.redfin.ca/stingray/api/home/details/aboveTheFold?propertyId=154849597&accessLevel=1');
    expect(api?.body.toString('utf8').startsWith('{}&&')).toBe(true);
    expect(archive.lookup('https://www.redfin.com/stingray/api/home/details/aboveTheFold?propertyId=45142411&accessLevel=1')).toBeNull();
  });

  it('gives each of the 218 photos of the saved pages its own distinct real photo', () => {
    // 117 Zillow (1 Street View placeholder + 38+5+42+31) + 101 Redfin (7+31+40+23).
    expect(archive.photoCount).toBe(218);
    const files = new Set<string>();
    const hashes = new Set<string>();
    for (const l of archive.listings) {
      for (const p of l.parsed.photos) {
        const assigned = archive.photoFor(l.source, p.photoId);
        expect(assigned).not.toBeNull();
        files.add(assigned?.photo.file ?? '');
        hashes.add(assigned?.photo.sha256 ?? '');
      }
    }
    expect(files.size).toBe(218);
    expect(hashes.size).toBe(218);
    expect(archive.photoFor('zillow', '00000000000000000000000000000000')).toBeNull();
  });

  it("serves no two photo ids the same picture at another size (core's perceptual rule), so no listing reports a false duplicate", async () => {
    const photos = await listHousePhotos(path.join(fixturesDir, 'house-photos'));
    const identities = await Promise.all(
      photos.map(async (p) => {
        const bytes = await readFile(p.file);
        const upright = await readUpright(bytes, { maxSidePx: 256 });
        const { perceptualHash, tone, widthPx, heightPx } = upright;
        return { name: path.basename(p.file), sha256: p.sha256, perceptualHash, tone, widthPx, heightPx, byteLength: bytes.length };
      }),
    );
    const samePairs: string[] = [];
    for (const [i, a] of identities.entries()) {
      for (const b of identities.slice(i + 1)) if (isSamePicture(a, b)) samePairs.push(`${a.name}~${b.name}`);
    }
    process.stdout.write(`replay photos: ${photos.length} served, pairs showing one picture: ${samePairs.length}\n`);
    expect(samePairs).toEqual([]);
  }, 60_000);

  it('assigns photos the same way in any process: sorted ids onto distinct photos in name order', async () => {
    const photos = await listHousePhotos(path.join(fixturesDir, 'house-photos'));
    // 240 files, one exact duplicate (house-012 bathroom and bedroom) and five pictures held twice at another size.
    expect(photos).toHaveLength(234);
    const a = assignReplayPhotos(['zillow:b', 'redfin:a', 'zillow:a'], photos);
    expect([...a.keys()]).toEqual(['redfin:a', 'zillow:a', 'zillow:b']);
    expect(a.get('redfin:a')?.file).toBe(photos[0]?.file);
    expect(() =>
      assignReplayPhotos(
        Array.from({ length: 240 }, (_, i) => `k${i}`),
        photos,
      ),
    ).toThrow(RangeError);
  });
});

describe('tools/data/sample-properties.csv', () => {
  it('has one row per saved detail page, with the address the page gives and the URL replay maps to it', () => {
    const text = readFileSync(path.join(repoRoot, 'tools/data/sample-properties.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('address,zillow_url,redfin_url');
    const properties = parsePropertiesCsv(text);
    expect(properties).toHaveLength(archive.listings.length);
    for (const [i, listing] of archive.listings.entries()) {
      const p = properties[i];
      expect(p?.address).toBe(listing.parsed.address);
      expect(p?.listingUrls).toEqual({ [listing.source]: listing.url });
    }
  });
});
