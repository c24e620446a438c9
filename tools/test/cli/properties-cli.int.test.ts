import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from './built-cli.js';
import type { CliResult } from './built-cli.js';

const ZILLOW = 'https://www.zillow.com/homedetails/3001-Garwood-St-Austin-TX-78702/29384654_zpid/';
const REDFIN = 'https://www.redfin.com/TX/Austin/1000-Plymouth-Dr-78758/home/31234567';

describe('phx-extract properties (the built CLI on the catalog)', () => {
  const dbName = `phx_cli_props_${randomUUID().slice(0, 8)}`;
  let dir = '';
  let client: MongoClient;

  const cli = (...args: string[]): Promise<CliResult> => runBuiltCli(args, { dbName, imagesDir: dir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phx-cli-props-'));
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('seeds the empty catalog from the sample CSV, then imports a CSV twice: invalid rows by line, the second run all unchanged', async () => {
    const csv = join(dir, 'austin.csv');
    await writeFile(
      csv,
      [
        'address,zillow_url,redfin_url',
        `"3001 Garwood St, Austin, TX 78702",${ZILLOW},`,
        `"1 Other St, Austin, TX 78701",,${ZILLOW}`,
        ',,',
        '"3001 garwood st austin tx 78702",,',
        '"7 Last Rd, Austin, TX 78701",,',
        '"8 Extra Rd, Austin, TX 78701",,,corner lot',
      ].join('\n'),
    );
    const first = await cli('properties', 'import', csv, '--label', 'austin-2026');
    expect(first.code).toBe(1);
    // The sample CSV seeded the catalog first (3001 Garwood St is in it): that row gains a label.
    expect(first.stdout).toContain(`Imported ${csv}: 1 added, 1 updated, 0 unchanged, 4 invalid`);
    expect(first.stdout).toContain(`line 3: redfin_url "${ZILLOW}" is not a redfin listing URL`);
    expect(first.stdout).toContain('line 4: address is missing');
    expect(first.stdout).toContain('line 5: duplicate property id "3001-garwood-st-austin-tx-78702" (same address as line 2)');
    expect(first.stdout).toContain(
      'line 7: 4 values but the header has 3 columns (address,zillow_url,redfin_url), so "corner lot" would be lost: ',
    );
    const unclosed = join(dir, 'unclosed.csv');
    await writeFile(unclosed, ['address', '"9 Quote St, Austin, TX 78701"', '"10 Open St, Austin', '11 Lost St', '12 Lost St'].join('\n'));
    const refused = await cli('properties', 'import', unclosed);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('line 3: Quote Not Closed: the quoted value that opens on line 3 has no closing quote');
    const second = await cli('properties', 'import', csv, '--label', 'austin-2026');
    expect(second.stdout).toContain(`Imported ${csv}: 0 added, 0 updated, 2 unchanged, 4 invalid`);

    const sample = await cli('properties', 'list', '--label', 'sample', '--first', '100');
    expect(sample.stdout).toContain('9 of 9');
    const page1 = await cli('properties', 'list', '--label', 'austin-2026', '--first', '1', '--json');
    const parsed = JSON.parse(page1.stdout) as { nodes: { id: string }[]; totalCount: number; hasNextPage: boolean; endCursor: string };
    expect(parsed).toMatchObject({ totalCount: 2, hasNextPage: true, nodes: [{ id: '3001-garwood-st-austin-tx-78702' }] });
    const page2 = await cli('properties', 'list', '--label', 'austin-2026', '--first', '1', '--after', parsed.endCursor);
    expect(page2.stdout).toMatch(/^7-last-rd-austin-tx-78701 {2}7 Last Rd, Austin, TX 78701 {2}\[-\] {2}austin-2026\n1 of 2\n$/);
    expect((await cli('properties', 'list', '--search', 'nowhere at all')).stdout).toBe('0 of 0\n');
  });

  it('adds by address and by Redfin URL; a URL of another site is bad input (exit 2)', async () => {
    const byAddress = await cli('properties', 'add', '12 New Ln, Mesa, AZ 85201', '--label', 'mesa');
    expect(byAddress).toMatchObject({ code: 0, stdout: 'Property 12-new-ln-mesa-az-85201: 12 New Ln, Mesa, AZ 85201\n' });
    const byUrl = await cli('properties', 'add', REDFIN);
    expect(byUrl).toMatchObject({ code: 0, stdout: 'Property 1000-plymouth-dr-austin-tx-78758: 1000 Plymouth Dr, Austin, TX 78758\n' });
    expect((await cli('properties', 'list', '--source', 'redfin')).stdout).toContain('1000-plymouth-dr-austin-tx-78758');
    const other = await cli('properties', 'add', 'https://www.realtor.com/realestateandhomes-detail/x_M1');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('is not a listing URL of a supported site; supported: zillow.com');
  });

  it("refuses to add a listing URL whose listing is another property's (exit 1, naming it)", async () => {
    const taken = 'https://www.zillow.com/homedetails/2-Wrong-St-Austin-TX-78701/29384654_zpid/';
    const refused = await cli('properties', 'add', taken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('LISTING_ID_TAKEN: The zillow listing 29384654 is already property "3001-garwood-st-austin-tx-78702"');
    expect((await cli('properties', 'list', '--search', '2 wrong st')).stdout).toBe('0 of 0\n');
  });

  it('refuses an empty or malformed --label (exit 2, naming the rule) and stores a label in lower case', async () => {
    for (const label of ['', '  ', 'x'.repeat(65), 'with space']) {
      const refused = await cli('properties', 'add', '14 Label Ln, Mesa, AZ 85201', '--label', label);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/letters a-z, digits, "-", "_" or "\."; at most 64 characters/);
    }
    expect((await cli('properties', 'list', '--search', '14 label ln')).stdout).toBe('0 of 0\n');
    const imported = await cli('properties', 'import', join(dir, 'none.csv'), '--label', '');
    expect(imported.code).toBe(2);
    expect((await cli('properties', 'add', '14 Label Ln, Mesa, AZ 85201', '--label', 'Mesa-2026')).code).toBe(0);
    expect((await cli('properties', 'list', '--label', 'MESA-2026')).stdout).toContain(
      '14-label-ln-mesa-az-85201  14 Label Ln, Mesa, AZ 85201  [-]  mesa-2026',
    );
  });

  it('enqueues a new address (it joins the catalog); removing it while the job is pending is a conflict naming the job', async () => {
    const enqueued = await cli('--address', '55 Fresh St, Tempe, AZ 85281', '--async', '--dry-run');
    expect(enqueued.code).toBe(0);
    const jobId = /Job enqueued: (\S+)/.exec(enqueued.stdout)?.[1] ?? '';
    expect(jobId).not.toBe('');
    expect((await cli('properties', 'list', '--search', 'fresh st')).stdout).toContain('55-fresh-st-tempe-az-85281');
    const removed = await cli('properties', 'remove', '55 Fresh St, Tempe, AZ 85281');
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain(`PROPERTY_IN_USE: Property "55-fresh-st-tempe-az-85281" is in job ${jobId}`);
    expect((await cli('--job-id', jobId, '--cancel')).code).toBe(0);
    expect(await cli('properties', 'remove', '55 Fresh St, Tempe, AZ 85281')).toMatchObject({
      code: 0,
      stdout: 'Removed 55-fresh-st-tempe-az-85281\n',
    });
    const again = await cli('properties', 'remove', '55-fresh-st-tempe-az-85281');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No property with id "55-fresh-st-tempe-az-85281" exists in the catalog');
  });
});
