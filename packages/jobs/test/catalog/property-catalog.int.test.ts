import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { InvalidInputError, NotFoundError, toPropertyId } from '@phx/core';
import { PropertyCatalog, PROPERTIES_COLLECTION } from '../../src/catalog/property-catalog.js';
import { addCatalogProperty } from '../../src/catalog/add-property.js';
import { ListingIdTakenError } from '../../src/catalog/listing-id-taken-error.js';
import { addressFromListingUrl, readListingUrl } from '../../src/catalog/listing-url.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const SAMPLE_CSV = fileURLToPath(new URL('../../../../tools/data/sample-properties.csv', import.meta.url));
const ZILLOW = 'https://www.zillow.com/homedetails/3001-Garwood-St-Austin-TX-78702/29384654_zpid/';
const REDFIN = 'https://www.redfin.com/TX/Austin/1000-Plymouth-Dr-78758/home/31234567';

const csv = [
  'address,zillow_url,redfin_url',
  `"3001 Garwood St, Austin, TX 78702",${ZILLOW},`,
  `"1000 Plymouth Dr, Austin, TX 78758",,${REDFIN}`,
  ',https://www.zillow.com/homedetails/x/1_zpid/,', // line 4: no address
  `"1 Other St, Austin, TX 78701",${REDFIN},`, // line 5: a Redfin URL in the Zillow column
  '"3001 GARWOOD ST, Austin TX 78702",,', // line 6: same address as line 2
  '"7 Last Rd, Austin, TX 78701",,',
].join('\n');

describe('PropertyCatalog', () => {
  let tdb: TestDatabase;
  let catalog: PropertyCatalog;

  beforeAll(async () => {
    tdb = await openTestDatabase('catalog');
    catalog = new PropertyCatalog({ db: tdb.db, clock: { now: () => new Date('2026-03-01T12:00:00Z') } });
    await catalog.ensureIndexes();
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('imports a CSV, reporting invalid rows by line while the rest import; a second import changes nothing', async () => {
    const first = await catalog.importCsv(csv, { label: 'austin' });
    expect(first).toEqual({
      added: 3,
      updated: 0,
      unchanged: 0,
      invalid: [
        { line: 4, reason: 'address is missing' },
        { line: 5, reason: `zillow_url "${REDFIN}" is not a zillow listing URL` },
        { line: 6, reason: 'duplicate property id "3001-garwood-st-austin-tx-78702" (same address as line 2)' },
      ],
      ids: ['3001-garwood-st-austin-tx-78702', '1000-plymouth-dr-austin-tx-78758', '7-last-rd-austin-tx-78701'],
    });
    const before = await tdb.db.collection(PROPERTIES_COLLECTION).find().sort({ _id: 1 }).toArray();
    const second = await catalog.importCsv(csv, { label: 'austin' });
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
    expect(await tdb.db.collection(PROPERTIES_COLLECTION).find().sort({ _id: 1 }).toArray()).toEqual(before);
    expect(await catalog.get('3001 Garwood St, Austin, TX 78702')).toMatchObject({
      id: '3001-garwood-st-austin-tx-78702',
      listingUrls: { zillow: ZILLOW },
      listingIds: { zillow: '29384654' },
      labels: ['austin'],
    });
    expect(await catalog.findByListingId('redfin', '31234567')).toMatchObject({ id: '1000-plymouth-dr-austin-tx-78758' });
  });

  it('counts a row that only gains a label as updated', async () => {
    const report = await catalog.importCsv(csv, { label: 'texas' });
    expect(report).toMatchObject({ added: 0, updated: 3, unchanged: 0 });
    expect((await catalog.get('7 Last Rd, Austin, TX 78701'))?.labels).toEqual(['austin', 'texas']);
  });

  it('pages by id with opaque cursors and a totalCount; a filter matching nothing is an empty page', async () => {
    const one = await catalog.list({ label: 'austin' }, { first: 2 });
    expect(one.nodes.map((p) => p.id)).toEqual(['1000-plymouth-dr-austin-tx-78758', '3001-garwood-st-austin-tx-78702']);
    expect(one).toMatchObject({ totalCount: 3, hasNextPage: true });
    const two = await catalog.list({ label: 'austin' }, { first: 2, after: one.endCursor });
    expect(two.nodes.map((p) => p.id)).toEqual(['7-last-rd-austin-tx-78701']);
    expect(two).toMatchObject({ totalCount: 3, hasNextPage: false });
    expect(await catalog.list({ search: 'GARWOOD' })).toMatchObject({ totalCount: 1 });
    expect(await catalog.list({ search: '.*' })).toEqual({ nodes: [], totalCount: 0, hasNextPage: false, endCursor: null });
    expect(await catalog.list({ label: 'nowhere' })).toMatchObject({ nodes: [], totalCount: 0 });
    expect((await catalog.list({ source: 'redfin' })).nodes.map((p) => p.id)).toEqual(['1000-plymouth-dr-austin-tx-78758']);
    await expect(catalog.list({}, { first: 101 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(catalog.list({}, { after: 'not a cursor' })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('removes a property; an unknown one is NOT_FOUND', async () => {
    await catalog.remove('7 Last Rd, Austin, TX 78701');
    expect(await catalog.get('7-last-rd-austin-tx-78701')).toBeNull();
    await expect(catalog.remove('7-last-rd-austin-tx-78701')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('seeds an empty catalog once from the sample CSV, also when two processes seed at once', async () => {
    const other = await tdb.connectAgain();
    const fresh = await openTestDatabase('catalog_seed');
    try {
      const a = new PropertyCatalog({ db: fresh.db });
      const b = new PropertyCatalog({ db: await fresh.connectAgain() });
      // A seed whose CSV cannot be read fails loudly and leaves the catalog to be seeded later.
      await expect(a.seedIfEmpty(`${SAMPLE_CSV}.missing`)).rejects.toThrow(/properties file/);
      const [ra, rb] = await Promise.all([a.seedIfEmpty(SAMPLE_CSV), b.seedIfEmpty(SAMPLE_CSV)]);
      const added = (ra?.added ?? 0) + (rb?.added ?? 0);
      expect(added).toBe(9);
      expect(await a.count()).toBe(9);
      expect((await a.list({ label: 'sample' }, { first: 100 })).totalCount).toBe(9);
      expect(await a.seedIfEmpty(SAMPLE_CSV)).toBeNull();
      // Seeded once: a catalog emptied by its user stays empty.
      for (const node of (await a.list({}, { first: 100 })).nodes) await a.remove(node.id);
      expect(await b.seedIfEmpty(SAMPLE_CSV)).toBeNull();
      expect(await a.count()).toBe(0);
    } finally {
      await fresh.close();
      void other;
    }
  });

  it('reads the site and listing id of a listing URL, and refuses another site naming the supported ones', () => {
    expect(readListingUrl(ZILLOW)).toEqual({ source: 'zillow', listingId: '29384654' });
    expect(readListingUrl(REDFIN)).toEqual({ source: 'redfin', listingId: '31234567' });
    expect(() => readListingUrl('https://www.realtor.com/realestateandhomes-detail/x')).toThrow(/realtor\.com.*supported: zillow\.com/s);
    // Every host the readers accept is named, Redfin's Canadian site too.
    expect(readListingUrl('https://www.redfin.ca/bc/vancouver/1-main-st/home/154849597')).toEqual({
      source: 'redfin',
      listingId: '154849597',
    });
    for (const host of ['www.zillow.com', 'zillow.com', 'www.redfin.com', 'redfin.com', 'www.redfin.ca', 'redfin.ca']) {
      expect(() => readListingUrl('https://www.realtor.com/x')).toThrow(new RegExp(`[ ,]${host.replace(/\./g, '\\.')}[ ,]`));
    }
    expect(addressFromListingUrl(ZILLOW)).toBe('3001 Garwood St Austin TX 78702');
    expect(addressFromListingUrl(REDFIN)).toBe('1000 Plymouth Dr, Austin, TX 78758');
  });

  it('keeps the unit of a Redfin URL in its address (two units are two properties), and reads a listing id without leading zeros', () => {
    const unit = (u: string, id: string) => `https://www.redfin.com/AZ/Phoenix/500-Tower-Rd-85001/unit-${u}/home/${id}`;
    expect(addressFromListingUrl(unit('5B', '990001'))).toBe('500 Tower Rd Unit 5B, Phoenix, AZ 85001');
    expect(addressFromListingUrl(unit('7C', '990002'))).toBe('500 Tower Rd Unit 7C, Phoenix, AZ 85001');
    expect(addressFromListingUrl('https://www.redfin.com/NY/New-York/111-4th-Ave-10003/unit-3I/home/45142411')).toBe(
      '111 4th Ave Unit 3I, New York, NY 10003',
    );
    // 029384654_zpid is zpid 29384654: one listing, whichever way it is written.
    expect(readListingUrl('https://www.zillow.com/homedetails/14-New-St-Phoenix-AZ-85001/029384654_zpid/').listingId).toBe('29384654');
    expect(readListingUrl('https://www.redfin.com/AZ/Phoenix/1-A-St-85001/home/0031234567').listingId).toBe('31234567');
  });
});

describe('PropertyCatalog.select', () => {
  let tdb: TestDatabase;
  let catalog: PropertyCatalog;

  beforeAll(async () => {
    tdb = await openTestDatabase('catalog_select');
    catalog = new PropertyCatalog({ db: tdb.db });
    await catalog.importCsv(csv, { label: 'austin' });
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('selects by id, address and label; a new address is added to the catalog without listing URLs', async () => {
    const chosen = await catalog.select({
      ids: ['7-last-rd-austin-tx-78701'],
      addresses: ['3001 garwood st austin tx 78702', '9 New Ln, Mesa, AZ 85201'],
    });
    expect(chosen).toEqual([
      { id: '7-last-rd-austin-tx-78701', address: '7 Last Rd, Austin, TX 78701', listingUrls: {} },
      { id: '3001-garwood-st-austin-tx-78702', address: '3001 Garwood St, Austin, TX 78702', listingUrls: { zillow: ZILLOW } },
      { id: '9-new-ln-mesa-az-85201', address: '9 New Ln, Mesa, AZ 85201', listingUrls: {} },
    ]);
    expect(await catalog.get('9-new-ln-mesa-az-85201')).toMatchObject({ labels: [], listingUrls: {} });
    expect((await catalog.select({ label: 'austin' })).map((p) => p.id)).toHaveLength(3);
    expect(await catalog.select({ all: true })).toHaveLength(4);
  });

  it('selects by listing URL: a known listing id is reused, a new one is added with the address of its slug', async () => {
    expect(await catalog.select({ listingUrls: [REDFIN] })).toEqual([
      { id: '1000-plymouth-dr-austin-tx-78758', address: '1000 Plymouth Dr, Austin, TX 78758', listingUrls: { redfin: REDFIN } },
    ]);
    const url = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
    const [added] = await catalog.select({ listingUrls: [url] });
    expect(added).toEqual({
      id: '1000-plymouth-dr-austin-tx-78758',
      address: '1000 Plymouth Dr, Austin, TX 78758',
      listingUrls: { redfin: REDFIN, zillow: url },
    });
    expect(await catalog.findByListingId('zillow', '29423592')).toMatchObject({ id: '1000-plymouth-dr-austin-tx-78758' });
    const other = 'https://www.realtor.com/realestateandhomes-detail/1-Main-St_Austin_TX_78701_M1';
    await expect(catalog.select({ listingUrls: [other] })).rejects.toThrow(/realtor\.com.*supported/);
  });

  it('stores listing URLs without user info or fragment, from a CSV and from a selection; a plain URL stays as given', async () => {
    const secret = 'https://user:pw@www.zillow.com/homedetails/5-Key-St-Austin-TX-78701/5005_zpid/?utm=x#photos';
    const clean = 'https://www.zillow.com/homedetails/5-Key-St-Austin-TX-78701/5005_zpid/?utm=x';
    const report = await catalog.importCsv(`address,zillow_url,redfin_url\n"5 Key St, Austin, TX 78701",${secret},\n`);
    expect(report).toMatchObject({ added: 1, invalid: [] });
    expect((await catalog.get('5-key-st-austin-tx-78701'))?.listingUrls).toEqual({ zillow: clean });
    const redfin = 'https://admin:hunter2@www.redfin.com/TX/Austin/6-Key-St-78701/home/6006#top';
    const [selected] = await catalog.select({ listingUrls: [redfin] });
    const cleanRedfin = 'https://www.redfin.com/TX/Austin/6-Key-St-78701/home/6006';
    expect(selected?.listingUrls).toEqual({ redfin: cleanRedfin });
    expect((await catalog.get('6 Key St, Austin, TX 78701'))?.listingUrls).toEqual({ redfin: cleanRedfin });
    const stored = JSON.stringify(await tdb.db.collection(PROPERTIES_COLLECTION).find().toArray());
    expect(stored).not.toMatch(/hunter2|user:pw|#/);
    expect((await catalog.get('3001 Garwood St, Austin, TX 78702'))?.listingUrls).toEqual({ zillow: ZILLOW });
  });

  it('refuses an unknown id, an empty selection and a mixed one', async () => {
    await expect(catalog.select({ ids: ['nope-1'] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(catalog.select({})).rejects.toBeInstanceOf(InvalidInputError);
    await expect(catalog.select({ all: true, label: 'austin' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(catalog.select({ all: true, label: 'austin' })).rejects.toThrow(/label\|all: label and all given together/);
    await expect(catalog.select({ ids: ['7-last-rd-austin-tx-78701'], label: 'austin' })).rejects.toThrow(
      /ids\|label: ids and label given together/,
    );
    // A label no property has names it (NOT_FOUND, as an unknown id); an id no address can make is bad input naming it.
    await expect(catalog.select({ label: 'nowhere' })).rejects.toThrow(
      new NotFoundError('property', 'nowhere', { key: 'label', where: 'the catalog' }).message,
    );
    const impossible = await catalog.select({ ids: ['../x'] }).catch((e: unknown) => e);
    expect(impossible).toBeInstanceOf(InvalidInputError);
    expect((impossible as Error).message).toContain('ids.0: "../x" is not a property id');
  });
});

describe('PropertyCatalog labels', () => {
  let tdb: TestDatabase;
  let catalog: PropertyCatalog;
  const RULE = /letters a-z, digits, "-", "_" or "\."; at most 64 characters/;

  beforeAll(async () => {
    tdb = await openTestDatabase('catalog_labels');
    catalog = new PropertyCatalog({ db: tdb.db });
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('stores a label trimmed and in lower case, so labels differing in case are one; list and select find it in any case', async () => {
    expect(await catalog.importCsv(csv, { label: ' Phoenix-2025 ' })).toMatchObject({ added: 3 });
    expect(await catalog.importCsv(csv, { label: 'phoenix-2025' })).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
    await catalog.upsert(
      [{ id: toPropertyId('7 Last Rd, Austin, TX 78701'), address: '7 Last Rd, Austin, TX 78701', listingUrls: {} }],
      ['PHOENIX-2025', 'v1.2_b'],
    );
    expect((await catalog.get('7 Last Rd, Austin, TX 78701'))?.labels).toEqual(['phoenix-2025', 'v1.2_b']);
    expect((await catalog.list({ label: 'PHOENIX-2025' })).totalCount).toBe(3);
    expect(await catalog.select({ label: 'Phoenix-2025' })).toHaveLength(3);
  });

  it('refuses an empty, blank, over-long or oddly spelled label everywhere, naming it and the rule, and writes nothing', async () => {
    const before = await tdb.db.collection(PROPERTIES_COLLECTION).find().sort({ _id: 1 }).toArray();
    const property = { id: toPropertyId('8 New Rd, Austin, TX 78701'), address: '8 New Rd, Austin, TX 78701', listingUrls: {} };
    const long = 'x'.repeat(5000);
    for (const label of ['', '   ', long, 'x'.repeat(65), 'two words', 'émigré', 'a/b']) {
      const shown = label.length > 64 ? label.slice(0, 20) : label;
      for (const attempt of [
        () => catalog.importCsv(csv, { label }),
        () => catalog.upsert([property], ['fine', label]),
        () => catalog.select({ label }),
        () => catalog.list({ label }),
      ]) {
        const error = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, JSON.stringify(label)).toBeInstanceOf(InvalidInputError);
        expect((error as Error).message).toContain(`"${shown}`);
        expect((error as Error).message).toMatch(RULE);
      }
    }
    expect(await tdb.db.collection(PROPERTIES_COLLECTION).find().sort({ _id: 1 }).toArray()).toEqual(before);
    expect(await catalog.importCsv(csv, { label: 'x'.repeat(64) })).toMatchObject({ updated: 3 });
  });
});

describe('PropertyCatalog listing ids: one property per listing', () => {
  let tdb: TestDatabase;
  let catalog: PropertyCatalog;

  beforeAll(async () => {
    tdb = await openTestDatabase('catalog_listing_ids');
    catalog = new PropertyCatalog({ db: tdb.db });
    await catalog.importCsv(csv);
  });
  afterAll(async () => {
    await tdb.close();
  });

  it("reports a CSV row naming another property's listing id invalid, naming that property and the id; the other rows import", async () => {
    const other = 'https://www.zillow.com/homedetails/9-Else-St-Austin-TX-78701/9009_zpid/';
    const report = await catalog.importCsv(
      [
        'address,zillow_url,redfin_url',
        `"2 Wrong St, Austin, TX 78701",${ZILLOW},`, // line 2: Garwood's zpid
        `"3 Wrong St, Austin, TX 78701",,${REDFIN}`, // line 3: Plymouth's Redfin id
        `"9 Else St, Austin, TX 78701",${other},`,
        `"10 Twin St, Austin, TX 78701",${other},`, // line 5: the zpid of line 4
        `"3001 Garwood St, Austin, TX 78702",${ZILLOW},`, // its own listing: fine
      ].join('\n'),
    );
    expect(report).toMatchObject({ added: 1, unchanged: 1, ids: ['9-else-st-austin-tx-78701', '3001-garwood-st-austin-tx-78702'] });
    expect(report.invalid).toEqual([
      { line: 2, reason: 'zillow_url names zillow listing 29384654, which is already property "3001-garwood-st-austin-tx-78702"' },
      { line: 3, reason: 'redfin_url names redfin listing 31234567, which is already property "1000-plymouth-dr-austin-tx-78758"' },
      { line: 5, reason: 'zillow_url names zillow listing 9009, which is already property "9-else-st-austin-tx-78701" (line 4)' },
    ]);
    expect(await catalog.get('2 Wrong St, Austin, TX 78701')).toBeNull();
    // An existing record given another property's listing id is refused too, and left as it was.
    const again = await catalog.importCsv(`address,zillow_url,redfin_url\n"7 Last Rd, Austin, TX 78701",${other},\n`);
    expect(again.invalid).toEqual([
      { line: 2, reason: 'zillow_url names zillow listing 9009, which is already property "9-else-st-austin-tx-78701"' },
    ]);
    expect((await catalog.get('7-last-rd-austin-tx-78701'))?.listingIds).toEqual({});
    for (const [source, id] of [
      ['zillow', '29384654'],
      ['redfin', '31234567'],
      ['zillow', '9009'],
    ] as const) {
      expect(await tdb.db.collection(PROPERTIES_COLLECTION).countDocuments({ [`listingIds.${source}`]: id })).toBe(1);
    }
  });

  it('refuses to add a listing URL spelling another address than the property holding its listing id (LISTING_ID_TAKEN), yet a selection reuses that property', async () => {
    const wrong = 'https://www.zillow.com/homedetails/2-Wrong-St-Austin-TX-78701/29384654_zpid/';
    const error = await addCatalogProperty(catalog, { listingUrl: wrong }, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListingIdTakenError);
    expect(error).toMatchObject({
      code: 'LISTING_ID_TAKEN',
      source: 'zillow',
      listingId: '29384654',
      propertyId: '3001-garwood-st-austin-tx-78702',
    });
    expect((error as Error).message).toContain('zillow listing 29384654 is already property "3001-garwood-st-austin-tx-78702"');
    expect(await catalog.get('2 Wrong St, Austin, TX 78701')).toBeNull();
    // The same listing under its own address, or by a URL without an address, is that property.
    expect(await addCatalogProperty(catalog, { listingUrl: ZILLOW }, ['again'])).toMatchObject({ id: '3001-garwood-st-austin-tx-78702' });
    expect((await catalog.select({ listingUrls: [wrong] })).map((p) => p.id)).toEqual(['3001-garwood-st-austin-tx-78702']);
  });
});
