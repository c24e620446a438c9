import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newJobId, noopLogger, ZERO_COUNTERS, ZERO_OUTCOME_COUNTS, type PropertyOutcome } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlServices, type GraphqlServices } from '../src/graphql-services.js';
import { createGraphqlServer, type GraphqlServer } from '../src/server.js';
import { openGraphqlHarness, TEST_SERVER_CONFIG, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { DAVIS_ID, SAMPLE_PROPERTIES } from './support/sample-properties.js';
import { storeJob } from './support/stored-job.js';
import type { TestJob } from './support/stored-job.js';

const FIXTURES = process.env['PHX_FIXTURES_DIR'] ?? join(import.meta.dirname, '../../../../shared/fixtures');

/** The real URL of a saved listing page: its canonical link. */
function canonicalUrl(file: string): string {
  const href = /<link rel="canonical" href="([^"]+)"/.exec(readFileSync(join(FIXTURES, 'listings', file), 'utf8'))?.[1];
  if (href === undefined) throw new Error(`${file} has no canonical link`);
  return href;
}

const CHICAGO_URL = canonicalUrl('zillow/zillow-hdp-chicago-il-119974210.html');
const VANCOUVER_URL = canonicalUrl('redfin/redfin-hdp-vancouver-bc-154849597.html');

const PROPERTY_FIELDS = 'id address labels createdAt updatedAt listingUrls { source url listingId }';
// The page size is written in the operation: a size given in a variable costs as the largest page (100), over the default cost limit with every field.
const propertiesQuery = (first = 20): string => `query($filter: PropertyFilter, $after: String) {
  properties(filter: $filter, first: ${first}, after: $after) { totalCount edges { cursor node { ${PROPERTY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const PROPERTIES = propertiesQuery();
const IMPORT = `mutation($csv: String!, $label: String) { importProperties(csv: $csv, label: $label) { added updated unchanged ids invalid { line reason } } }`;
const ADD = `mutation($address: String, $listingUrl: String, $labels: [String!]) {
  addProperty(address: $address, listingUrl: $listingUrl, labels: $labels) { ${PROPERTY_FIELDS} } }`;
const REMOVE = `mutation($id: ID!) { removeProperty(id: $id) { id address } }`;
/** A job's `properties` page as ENQUEUE asks for it. */
type PropertyIds = { edges: { node: { property: { id: string } } }[] };
const ENQUEUE = `mutation($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id status totalProperties properties { edges { node { property { id address } } } } } }`;

interface PropertyNode {
  readonly id: string;
  readonly address: string;
  readonly labels: string[];
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly listingUrls: { source: string; url: string; listingId: string | null }[];
}
interface Page {
  readonly totalCount: number;
  readonly edges: { readonly cursor: string; readonly node: PropertyNode }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

const PHOENIX_CSV = [
  'address,zillow_url,redfin_url',
  '"100 N 1st Ave, Phoenix, AZ 85003",https://www.zillow.com/homedetails/100-N-1st-Ave-Phoenix-AZ-85003/1001_zpid/,',
  '"200 N 2nd Ave, Phoenix, AZ 85003",,https://www.redfin.com/AZ/Phoenix/200-N-2nd-Ave-85003/home/2002',
  ',https://www.zillow.com/homedetails/x/3003_zpid/,', // line 4: no address
  '"300 N 3rd Ave, Phoenix, AZ 85003",https://www.redfin.com/AZ/Phoenix/300-N-3rd-Ave-85003/home/3003,', // line 5: Redfin URL in zillow_url
  '"100 n 1st ave phoenix az 85003",,', // line 6: same address as line 2
  '"400 N 4th Ave, Phoenix, AZ 85003",,',
  '"700 N 7th Ave, Phoenix, AZ 85003",,,corner lot', // line 8: a value past the header's columns
].join('\n');

describe('the property catalog over GraphQL', () => {
  let harness: GraphqlHarness;
  let url: string;
  let admin: string;
  let read: string;
  const ask = async <T>(query: string, variables: Record<string, unknown> = {}, key = admin) => {
    const response = await postGraphql<T>(url, query, variables, key);
    return response.body;
  };
  const data = async <T>(query: string, variables: Record<string, unknown> = {}, key = admin): Promise<T> => {
    const body = await ask<T>(query, variables, key);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data as T;
  };
  const page = async ({ first, ...variables }: Record<string, unknown>, key = read): Promise<Page> =>
    (await data<{ properties: Page }>(propertiesQuery(typeof first === 'number' ? first : undefined), variables, key)).properties;

  beforeAll(async () => {
    harness = await openGraphqlHarness('property-catalog');
    url = await harness.server.start();
    admin = harness.adminKey.authorization;
    read = harness.readKey.authorization;
  });
  afterAll(() => harness.close());

  it('seeds the empty catalog from the configured CSV with the label "sample", listing ids read from the URLs', async () => {
    const sample = await page({ filter: { label: 'sample' }, first: 50 });
    expect(sample.totalCount).toBe(SAMPLE_PROPERTIES.length);
    const davis = sample.edges.find((e) => e.node.id === DAVIS_ID)?.node;
    expect(davis?.labels).toEqual(['sample']);
    expect(davis?.listingUrls.map((l) => [l.source, l.listingId])).toEqual([
      ['zillow', '7694445'],
      ['redfin', '27838384'],
    ]);
    expect(Date.parse(davis?.createdAt ?? '')).toBeGreaterThan(Date.now() - 600_000);
  });

  it('imports a CSV with a report, the bad rows by line and reason, and changes nothing when imported again', async () => {
    const first = await data<{ importProperties: Record<string, unknown> }>(IMPORT, { csv: PHOENIX_CSV, label: 'phoenix-2025' });
    expect(first.importProperties).toEqual({
      added: 3,
      updated: 0,
      unchanged: 0,
      ids: ['100-n-1st-ave-phoenix-az-85003', '200-n-2nd-ave-phoenix-az-85003', '400-n-4th-ave-phoenix-az-85003'],
      invalid: [
        { line: 4, reason: 'address is missing' },
        { line: 5, reason: expect.stringContaining('zillow_url') },
        { line: 6, reason: expect.stringContaining('same address as line 2') },
        {
          line: 8,
          reason: expect.stringMatching(
            /^4 values but the header has 3 columns \(address,zillow_url,redfin_url\), so "corner lot" would be lost: /,
          ),
        },
      ],
    });
    const before = await page({ filter: { label: 'phoenix-2025' } });
    const again = await data<{ importProperties: Record<string, unknown> }>(IMPORT, { csv: PHOENIX_CSV, label: 'phoenix-2025' });
    expect(again.importProperties).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
    expect(await page({ filter: { label: 'phoenix-2025' } })).toEqual(before);
    expect(before.edges.map((e) => e.node.updatedAt)).toEqual(before.edges.map((e) => e.node.createdAt));
  });

  it('a CSV without an address header is BAD_USER_INPUT; a read key cannot import', async () => {
    const body = await ask(IMPORT, { csv: 'street,zillow_url\n1 Main St,\n' });
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const unclosed = await ask(IMPORT, { csv: 'address\n"1 Main St, Phoenix"\n"2 Elm Ave, Mesa\n3 Oak Rd\n4 Pine Ln\n' });
    expect(unclosed.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [
        { path: 'line 3', message: expect.stringMatching(/^Quote Not Closed: the quoted value that opens on line 3 has no closing quote/) },
      ],
    });
    const forbidden = await ask(IMPORT, { csv: PHOENIX_CSV }, read);
    expect(forbidden.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('adds by address and by the saved pages’ Zillow and Redfin URLs; a URL of another site is BAD_USER_INPUT', async () => {
    const byAddress = (await data<{ addProperty: PropertyNode }>(ADD, { address: '  500 N 5th Ave,  Phoenix, AZ 85003 ', labels: ['new'] }))
      .addProperty;
    expect(byAddress).toMatchObject({ id: '500-n-5th-ave-phoenix-az-85003', labels: ['new'], listingUrls: [] });
    const chicago = (await data<{ addProperty: PropertyNode }>(ADD, { listingUrl: CHICAGO_URL })).addProperty;
    // Named by the address the URL's path spells.
    expect(chicago).toMatchObject({
      id: '235-w-van-buren-st-unit-1509-chicago-il-60607',
      labels: [],
      listingUrls: [{ source: 'zillow', url: CHICAGO_URL, listingId: '119974210' }],
    });
    // The same listing again: the record it is on comes back, with the label added.
    const again = (await data<{ addProperty: PropertyNode }>(ADD, { listingUrl: CHICAGO_URL, labels: ['chicago'] })).addProperty;
    expect(again).toMatchObject({ id: chicago.id, createdAt: chicago.createdAt, labels: ['chicago'] });
    const vancouver = (await data<{ addProperty: PropertyNode }>(ADD, { listingUrl: VANCOUVER_URL, labels: ['bc'] })).addProperty;
    expect(vancouver.listingUrls).toEqual([{ source: 'redfin', url: VANCOUVER_URL, listingId: '154849597' }]);
    expect(vancouver.labels).toEqual(['bc']);
    const newUrl = 'https://www.zillow.com/homedetails/600-N-6th-Ave-Phoenix-AZ-85003/6006_zpid/';
    const fromUrl = (await data<{ addProperty: PropertyNode }>(ADD, { listingUrl: newUrl })).addProperty;
    expect(fromUrl).toMatchObject({
      id: '600-n-6th-ave-phoenix-az-85003',
      listingUrls: [{ source: 'zillow', url: newUrl, listingId: '6006' }],
    });
    // User info and fragment never reach the catalog (nor the jobs that read it).
    const zillowUrl = 'https://www.zillow.com/homedetails/610-N-6th-Ave-Phoenix-AZ-85003/6106_zpid/';
    const zillow = (
      await data<{ addProperty: PropertyNode }>(ADD, {
        listingUrl: `https://me:secret@www.zillow.com${new URL(zillowUrl).pathname}#photos`,
      })
    ).addProperty;
    expect(zillow.listingUrls).toEqual([{ source: 'zillow', url: zillowUrl, listingId: '6106' }]);
    const secretUrl = 'https://me:secret@www.redfin.com/AZ/Phoenix/650-N-6th-Ave-85003/home/6506#map';
    const redfin = (await data<{ addProperty: PropertyNode }>(ADD, { listingUrl: secretUrl })).addProperty;
    expect(redfin.listingUrls).toEqual([
      { source: 'redfin', url: 'https://www.redfin.com/AZ/Phoenix/650-N-6th-Ave-85003/home/6506', listingId: '6506' },
    ]);
    const other = await ask(ADD, { listingUrl: 'https://www.realtor.com/realestateandhomes-detail/1-Main-St_Phoenix_AZ_85001_M1' });
    expect(other.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(other.errors?.[0]?.message).toMatch(/realtor\.com/);
  });

  it("a listing belongs to one property: an import row or addProperty naming another property's listing is refused naming it", async () => {
    const taken = 'https://www.zillow.com/homedetails/101-Wrong-Ave-Phoenix-AZ-85003/1001_zpid/';
    const report = await data<{ importProperties: { added: number; invalid: { line: number; reason: string }[] } }>(IMPORT, {
      csv: `address,zillow_url,redfin_url\n"101 Wrong Ave, Phoenix, AZ 85003",${taken},\n`,
    });
    expect(report.importProperties).toMatchObject({
      added: 0,
      invalid: [{ line: 2, reason: 'zillow_url names zillow listing 1001, which is already property "100-n-1st-ave-phoenix-az-85003"' }],
    });
    const conflict = await ask(ADD, { listingUrl: taken });
    expect(conflict.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LISTING_ID_TAKEN' });
    expect(conflict.errors?.[0]?.message).toContain('zillow listing 1001 is already property "100-n-1st-ave-phoenix-az-85003"');
    expect((await page({ filter: { search: '101 Wrong' } })).totalCount).toBe(0);
    // Enqueue keeps reusing the property a listing URL is on.
    const job = (
      await data<{ enqueueExtraction: { id: string; properties: PropertyIds } }>(ENQUEUE, { input: { listingUrls: [taken], dryRun: true } })
    ).enqueueExtraction;
    expect(job.properties.edges.map((e) => e.node.property.id)).toEqual(['100-n-1st-ave-phoenix-az-85003']);
    await harness.jobService.cancelJob(job.id);
  });

  it('labels: one rule for add, import, filter and enqueue (trimmed, 1..64 of a-z 0-9 - _ ., lower-case); a bad one is BAD_USER_INPUT naming it', async () => {
    const address = '900 N 9th Ave, Phoenix, AZ 85003';
    const bad = async (query: string, variables: Record<string, unknown>, label: string) => {
      const body = await ask(query, variables);
      expect(body.errors?.[0]?.extensions?.['code'], JSON.stringify(body)).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toContain(`"${label.slice(0, 20)}`);
      expect(body.errors?.[0]?.message).toMatch(/letters a-z, digits, "-", "_" or "\."; at most 64 characters/);
    };
    await bad(ADD, { address, labels: ['', ' '] }, '');
    await bad(ADD, { address, labels: ['ok', 'x'.repeat(5000)] }, 'x'.repeat(20));
    // Nothing was added by the refused calls.
    expect((await page({ filter: { search: '900 N 9th' } })).totalCount).toBe(0);
    await bad(IMPORT, { csv: PHOENIX_CSV, label: ' ' }, '');
    await bad(PROPERTIES, { filter: { label: 'two words' } }, 'two words');
    await bad(ENQUEUE, { input: { label: 'a/b', dryRun: true } }, 'a/b');
    const added = (await data<{ addProperty: PropertyNode }>(ADD, { address, labels: [' Phoenix-2025 ', 'PHOENIX-2025'] })).addProperty;
    expect(added.labels).toEqual(['phoenix-2025']);
    expect((await page({ filter: { label: 'Phoenix-2025' } })).edges.map((e) => e.node.id)).toContain('900-n-9th-ave-phoenix-az-85003');
    await data(REMOVE, { id: address });
  });

  it('an address over 255 characters or a listing URL over 2,048 is BAD_USER_INPUT naming the field and the limit; nothing is written', async () => {
    const address = `901 ${'N'.repeat(252)}`;
    const url = `https://www.zillow.com/homedetails/${'x'.repeat(2048)}/9001_zpid/`;
    const refusals = [
      [ENQUEUE, { input: { addresses: [address], dryRun: true } }, 'addresses.0', 'is 256 characters; at most 255 (shorten it)'],
      [ADD, { address }, 'address', 'is 256 characters; at most 255 (shorten it)'],
      [
        ENQUEUE,
        { input: { listingUrls: [url], dryRun: true } },
        'url',
        `is ${url.length.toLocaleString('en-US')} characters; at most 2,048 (shorten it)`,
      ],
    ] as const;
    for (const [query, variables, path, message] of refusals) {
      const body = await ask(query, variables);
      expect(body.errors?.[0]?.extensions, JSON.stringify(body)).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path, message }] });
    }
    expect((await page({ filter: { search: '901 N' } })).totalCount).toBe(0);
  });

  it('pages by cursor with a totalCount; search and source filter; a label or search matching nothing is an empty page', async () => {
    const all = await page({ first: 50 });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const result: Page = await page({ first: 3, ...(after === null ? {} : { after }) });
      expect(result.totalCount).toBe(all.totalCount);
      seen.push(...result.edges.map((e) => e.node.id));
      after = result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null;
    } while (after !== null);
    expect(seen).toEqual(all.edges.map((e) => e.node.id));
    expect(seen).toEqual([...seen].sort());
    const search = await page({ filter: { search: 'N 2ND' } });
    expect(search.edges.map((e) => e.node.id)).toEqual(['200-n-2nd-ave-phoenix-az-85003']);
    const redfin = await page({ filter: { source: 'redfin', label: 'phoenix-2025' } });
    expect(redfin.edges.map((e) => e.node.id)).toEqual(['200-n-2nd-ave-phoenix-az-85003']);
    for (const filter of [{ label: 'no-such-label' }, { search: '.*' }]) {
      expect(await page({ filter })).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    }
    const bad = await ask(PROPERTIES, { filter: { source: 'realtor' } }, read);
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('enqueues a new address, which joins the catalog, and a label; removing a property of a pending job is CONFLICT naming it', async () => {
    const address = '700 N 7th Ave, Phoenix, AZ 85003';
    const job = (
      await data<{ enqueueExtraction: { id: string; totalProperties: number; properties: PropertyIds } }>(ENQUEUE, {
        input: { addresses: [address], dryRun: true },
      })
    ).enqueueExtraction;
    expect(job.properties.edges.map((e) => e.node.property.id)).toEqual(['700-n-7th-ave-phoenix-az-85003']);
    expect((await page({ filter: { search: '700 N 7th' } })).totalCount).toBe(1);
    // A label answers at once: the worker that takes the job up lists the properties with it.
    const byLabel = (
      await data<{ enqueueExtraction: { id: string; totalProperties: number; properties: PropertyIds } }>(ENQUEUE, {
        input: { label: 'phoenix-2025', dryRun: true, sources: ['zillow'] },
      })
    ).enqueueExtraction;
    expect(byLabel).toMatchObject({ totalProperties: 0, properties: { edges: [] } });
    const conflict = await ask(REMOVE, { id: '700-n-7th-ave-phoenix-az-85003' });
    expect(conflict.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect(conflict.errors?.[0]?.message).toContain(job.id);
    // The pending label job uses the properties with the label before its list exists.
    const labelled = await ask(REMOVE, { id: '200-n-2nd-ave-phoenix-az-85003' });
    expect(labelled.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    expect(labelled.errors?.[0]?.message).toContain(byLabel.id);
    await harness.jobService.cancelJob(job.id as never);
    await harness.jobService.cancelJob(byLabel.id as never);
    const removed = await data<{ removeProperty: { id: string } }>(REMOVE, { id: address });
    expect(removed.removeProperty.id).toBe('700-n-7th-ave-phoenix-az-85003');
    const gone = await ask(REMOVE, { id: address });
    expect(gone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const unknownId = await ask(ENQUEUE, { input: { propertyIds: ['no-such-property'] } });
    expect(unknownId.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('enqueue errors name the field and value at fault: label with all, a label no property has, an id that cannot exist', async () => {
    const both = await ask(ENQUEUE, { input: { label: 'phoenix-2025', all: true } });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'label|all' }] });
    expect(both.errors?.[0]?.message).toMatch(/label and all given together/);
    expect(both.errors?.[0]?.message).not.toMatch(/addresses:/);
    const idsAndLabel = await ask(ENQUEUE, { input: { propertyIds: ['100-n-1st-ave-phoenix-az-85003'], label: 'phoenix-2025' } });
    expect(idsAndLabel.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'propertyIds|label' }] });
    const noneLabelled = await ask(ENQUEUE, { input: { label: 'no-such-label' } });
    expect(noneLabelled.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(noneLabelled.errors?.[0]?.message).toContain('label "no-such-label"');
    const impossible = await ask(ENQUEUE, { input: { propertyIds: ['../x', '100-n-1st-ave-phoenix-az-85003', 'Bad Id'] } });
    expect(impossible.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'propertyIds.0' }, { path: 'propertyIds.2' }],
    });
    expect(impossible.errors?.[0]?.message).toContain('"../x" is not a property id');
    expect(impossible.errors?.[0]?.message).toContain('"Bad Id" is not a property id');
  });

  it('shows per source the last extraction: the newest ended job that read, skipped or failed it', async () => {
    const davis = SAMPLE_PROPERTIES[0];
    if (davis === undefined) throw new Error('no sample property');
    const ended = (at: string, outcome: Partial<PropertyOutcome>): TestJob => ({
      id: newJobId(),
      createdAt: new Date(at),
      startedAt: new Date(at),
      completedAt: new Date(at),
      properties: [davis],
      sources: ['zillow', 'redfin'],
      isolationMode: 'virtual',
      fetchMode: null,
      dryRun: false,
      timeoutMs: null,
      status: 'completed',
      errorMessage: null,
      progressUpdatedAt: new Date(at),
      ...ZERO_COUNTERS,
      totalProperties: 1,
      failedPropertiesList: [],
      propertyOutcomes: [
        {
          propertyId: davis.id,
          address: davis.address,
          status: 'completed',
          ...ZERO_OUTCOME_COUNTS,
          sourcesRead: [],
          fetchModes: [],
          skippedSources: [],
          failures: [],
          ...outcome,
        },
      ],
    });
    const older = ended('2026-01-01T00:00:00.000Z', {
      sourcesRead: ['zillow'],
      skippedSources: [{ source: 'redfin', reason: 'no listing' }],
      photosFound: 38,
      newImages: 38,
    });
    const newer = ended('2026-02-01T00:00:00.000Z', {
      status: 'failed',
      failures: [{ source: 'zillow', url: null, code: 'BOT_WALL', message: 'walled' }],
    });
    await storeJob(harness.repository, older);
    await storeJob(harness.repository, newer);
    const query = `query($id: ID) { property(id: $id) { lastExtractions { source jobId finishedAt sourceResult status photosFound newImages } } }`;
    const result = await data<{ property: { lastExtractions: unknown[] } }>(query, { id: davis.id }, read);
    expect(result.property.lastExtractions).toEqual([
      {
        source: 'zillow',
        jobId: newer.id,
        finishedAt: '2026-02-01T00:00:00.000Z',
        sourceResult: 'FAILED',
        status: 'FAILED',
        photosFound: 0,
        newImages: 0,
      },
      {
        source: 'redfin',
        jobId: older.id,
        finishedAt: '2026-01-01T00:00:00.000Z',
        sourceResult: 'SKIPPED',
        status: 'COMPLETED',
        photosFound: 38,
        newImages: 38,
      },
    ]);
    const none = await data<{ property: { lastExtractions: unknown[] } }>(query, { id: '500-n-5th-ave-phoenix-az-85003' }, read);
    expect(none.property.lastExtractions).toEqual([]);
  });

  describe('two servers on one database', () => {
    let otherServices: GraphqlServices;
    let other: GraphqlServer;
    let otherUrl: string;
    let csvDir: string;

    beforeAll(async () => {
      // The second server is given another CSV: the catalog is not empty, so it seeds nothing and reads the shared one.
      csvDir = await mkdtemp(join(tmpdir(), 'phx-other-catalog-'));
      const csv = join(csvDir, 'other.csv');
      await writeFile(csv, 'address\n"1 Elsewhere Rd, Tucson, AZ 85701"\n');
      otherServices = await createGraphqlServices({ db: harness.database.db, propertiesCsv: csv, feedPollIntervalMs: 20 });
      other = createGraphqlServer({ config: TEST_SERVER_CONFIG, logger: noopLogger, ...otherServices.serverOptions });
      otherUrl = await other.start();
    });
    afterAll(async () => {
      await other.stop();
      await otherServices.close();
      await rm(csvDir, { recursive: true, force: true });
    });

    it('sees what the other adds and removes, and never its own CSV', async () => {
      const onOther = async (query: string, variables: Record<string, unknown>) =>
        (await postGraphql<Record<string, unknown>>(otherUrl, query, variables, admin)).body;
      expect((await onOther(PROPERTIES, { filter: { search: 'Elsewhere' } })).data).toMatchObject({ properties: { totalCount: 0 } });
      await data(ADD, { address: '800 N 8th Ave, Phoenix, AZ 85003' });
      expect((await onOther(PROPERTIES, { filter: { search: '800 N 8th' } })).data).toMatchObject({ properties: { totalCount: 1 } });
      await onOther(REMOVE, { id: '800-n-8th-ave-phoenix-az-85003' });
      expect((await page({ filter: { search: '800 N 8th' } })).totalCount).toBe(0);
      expect((await onOther(propertiesQuery(50), {})).data).toEqual({ properties: await page({ first: 50 }) });
    });
  });
});
