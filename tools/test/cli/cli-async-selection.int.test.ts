import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from './built-cli.js';
import type { CliResult } from './built-cli.js';

/**
 * `--all` and `--label` with `--async` enqueue the catalog selection, as
 * GraphQL's `enqueueExtraction(all | label)` does: the CLI does not read a
 * city-sized catalog before it answers; the worker lists it.
 */
describe('phx-extract --async --all / --label (the built CLI, as a user runs it)', () => {
  const dbName = `phx_cli_selection_${randomUUID().slice(0, 8)}`;
  let imagesDir = '';
  let client: MongoClient;

  const cli = (...args: string[]): Promise<CliResult> => runBuiltCli(args, { dbName, imagesDir });
  const jobs = () => client.db(dbName).collection('extraction_jobs');
  const chunks = () => client.db(dbName).collection('extraction_job_properties');
  const jobIdOf = (result: CliResult): string => /Job enqueued: ([0-9a-f-]{36})/.exec(result.stdout)?.[1] ?? '';

  beforeAll(async () => {
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-cli-selection-'));
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('enqueues --all as the selection, with no property list written, and names it', async () => {
    const result = await cli('--all', '--async', '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    const jobId = jobIdOf(result);
    expect(result.stdout).toContain(`Job enqueued: ${jobId} (every catalog property: the worker lists them)`);
    expect(await jobs().findOne({ _id: jobId as never })).toMatchObject({
      catalogSelection: { all: true },
      propertiesListed: false,
      totalProperties: 0,
      dryRun: true,
    });
    expect(await chunks().countDocuments({ jobId })).toBe(0);
    const again = await cli('--all', '--async', '--dry-run');
    expect(again.stdout).toContain(`Job already pending for the same request: ${jobId}`);
  });

  it('enqueues --label as the selection; a label no property has is refused, writing no job', async () => {
    const result = await cli('--label', 'SAMPLE', '--async', '--json');
    expect(result.code, result.stderr).toBe(0);
    const first = JSON.parse(result.stdout.split('\n')[0] ?? '{}') as Record<string, unknown>;
    expect(first).toMatchObject({ type: 'job', mode: 'async', totalProperties: 0, selection: { label: 'sample' } });
    expect(await jobs().findOne({ _id: first['jobId'] as never })).toMatchObject({ catalogSelection: { label: 'sample' } });
    const before = await jobs().countDocuments();
    const unknown = await cli('--label', 'no-such-label', '--async');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no-such-label');
    expect(await jobs().countDocuments()).toBe(before);
  });

  it('keeps listing the properties itself for an explicit selection', async () => {
    const result = await cli('--address', '235 W Van Buren St UNIT 1509, Chicago, IL 60607', '--async');
    const job = await jobs().findOne({ _id: jobIdOf(result) as never });
    expect(job).toMatchObject({ catalogSelection: null, propertiesListed: true, totalProperties: 1 });
  });
});
