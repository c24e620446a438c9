import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nonProgressLines, runBuiltCli } from './built-cli.js';
import type { CliResult } from './built-cli.js';
import { photoCollectionName } from '@phx/jobs';

const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';
const CHICAGO_ID = '235-w-van-buren-st-unit-1509-chicago-il-60607';

describe('phx-extract (the built CLI, as a user runs it)', () => {
  const dbName = `phx_cli_${randomUUID().slice(0, 8)}`;
  let imagesDir = '';
  let client: MongoClient;

  const cli = (...args: string[]): Promise<CliResult> => runBuiltCli(args, { dbName, imagesDir });

  beforeAll(async () => {
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-cli-'));
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('extracts a property in process on the replayed listing, stores each photo once, and reports it', async () => {
    const first = await cli('--address', CHICAGO, '--replay');
    expect(nonProgressLines(first.stderr)).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/: completed\n/);
    expect(first.stdout).toContain('Photos: 5 photos (5 new, 0 duplicate, 0 unchanged, 0 failed');

    const files = (await readdir(join(imagesDir, CHICAGO_ID))).filter((name) => name !== 'manifest.json').sort();
    const manifest = JSON.parse(await readFile(join(imagesDir, CHICAGO_ID, 'manifest.json'), 'utf8')) as { photos: unknown[] };
    expect(manifest.photos).toHaveLength(5);
    const records = await client.db(dbName).collection(photoCollectionName(CHICAGO_ID)).find({ propertyId: CHICAGO_ID }).toArray();
    const originals = files.filter((name) => !name.endsWith('.webp'));
    expect(originals).toHaveLength(5);
    expect(records.map((r) => r['fileName']).sort()).toEqual(originals);
    // Next to each original, its web and thumbnail WebP variants, named by the record.
    expect(records.flatMap((r) => (r['variants'] as { fileName: string }[]).map((v) => v.fileName)).sort()).toEqual(
      files.filter((n) => n.endsWith('.webp')),
    );
    for (const name of originals) {
      const sha = createHash('sha256')
        .update(await readFile(join(imagesDir, CHICAGO_ID, name)))
        .digest('hex');
      expect(name.startsWith(sha)).toBe(true);
    }

    const again = await cli('--address', CHICAGO, '--replay');
    expect(again.code).toBe(0);
    // The re-run downloads nothing: every photo is known by its id and URL.
    expect(again.stdout).toContain('Photos: 5 photos (0 new, 0 duplicate, 5 unchanged, 0 failed, 0 removed, 0 placeholder)');
    expect(await readdir(join(imagesDir, CHICAGO_ID))).toHaveLength(16);

    const jobId = /Job ([0-9a-f-]{36}): completed/.exec(again.stdout)?.[1] ?? '';
    const status = await cli('--job-id', jobId);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Job ${jobId}: completed`);
    expect(status.stdout).toContain('Progress: 1/1 properties done (1 completed, 0 partial, 0 deferred, 0 failed)');
  });

  it('enqueues with --async and reports a pending job with a non-zero exit', async () => {
    const enqueued = await cli('--all', '--async', '--dry-run');
    expect(enqueued.code).toBe(0);
    const jobId = /Job enqueued: ([0-9a-f-]{36}) \(every catalog property: the worker lists them\)/.exec(enqueued.stdout)?.[1];
    expect(jobId).toBeDefined();
    const status = await cli('--job-id', jobId ?? '');
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`Job ${jobId}: pending`);
    expect(await client.db(dbName).collection('agendaJobs').countDocuments({ 'data.jobId': jobId })).toBe(1);

    // The same request while that job is pending: its job, said so, and no second one queued.
    const again = await cli('--all', '--async', '--dry-run');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Job already pending for the same request: ${jobId} (every catalog property: the worker lists them)`);
    expect(await client.db(dbName).collection('extraction_jobs').countDocuments({ status: 'pending' })).toBe(1);

    // Cancelled from the shell: out of the queue, reported cancelled; a second cancel names the finished status.
    const cancelled = await cli('--job-id', jobId ?? '', '--cancel');
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`Job ${jobId}: cancelled`);
    expect(await client.db(dbName).collection('agendaJobs').countDocuments({ 'data.jobId': jobId })).toBe(0);
    const cancelAgain = await cli('--job-id', jobId ?? '', '--cancel');
    expect(cancelAgain.code).toBe(1);
    expect(cancelAgain.stderr).toContain('JOB_ALREADY_FINISHED');
  });

  it('names bad input and exits non-zero', async () => {
    const unknownJob = await cli('--job-id', '3f1b7c4e-8a2d-4e6f-9b0a-1c2d3e4f5a6b');
    expect(unknownJob).toMatchObject({ code: 1, stderr: 'Job not found: 3f1b7c4e-8a2d-4e6f-9b0a-1c2d3e4f5a6b\n' });
    // An unknown address joins the catalog (see properties-cli.int.test.ts); an unknown catalog id is not found.
    const unknownId = await cli('--id', '9-nowhere-rd', '--replay');
    expect(unknownId.code).toBe(1);
    expect(unknownId.stderr).toContain('No property with id "9-nowhere-rd" exists in the catalog');
    const badSource = await cli('--all', '--sources', 'zillow,trulia');
    expect(badSource.code).toBe(2);
    expect(badSource.stderr).toContain('unknown source "trulia"');
    const nothing = await cli();
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('give --address <address> (or --id, --url), --label <label> or --all');
    const jobs = client.db(dbName).collection('extraction_jobs');
    const jobsBefore = await jobs.countDocuments();
    const noFixtures = await cli('--all', '--replay', '--fixtures', '/nonexistent/fixtures');
    expect(noFixtures.code, noFixtures.stderr).toBe(2);
    expect(noFixtures.stderr).toContain('--fixtures: no saved listings in /nonexistent/fixtures/listings');
    expect(await jobs.countDocuments()).toBe(jobsBefore);
  });
});
