import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, noopLogger } from '@phx/core';
import { WORKSPACE_ROOT } from '../src/config.js';
import { startWorkerMaintenance } from '../src/worker-maintenance.js';

/** A property folder with a temporary file as a writer killed mid-write leaves it (last written `ageMs` ago). */
async function leftoverTemp(rootDir: string, ageMs: number): Promise<string> {
  const folder = join(rootDir, `p-${randomBytes(3).toString('hex')}`);
  await mkdir(folder, { recursive: true });
  const path = join(folder, `.${'0'.repeat(64)}.jpg.${randomUUID()}.tmp`);
  await writeFile(path, 'half a photo');
  const at = new Date(Date.now() - ageMs);
  await utimes(path, at, at);
  return path;
}

const present = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("the worker's maintenance sweep of temporary photo files", () => {
  let client: MongoClient;
  const dbName = `phx_test_maintenance_${randomBytes(4).toString('hex')}`;
  let rootDir = '';

  beforeAll(async () => {
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
    rootDir = await mkdtemp(join(tmpdir(), 'phx-maintenance-'));
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
    await rm(rootDir, { recursive: true, force: true });
  });

  it('removes at start only the files at least the lock lifetime old; a younger one (a live write, or a kill just now) at a later sweep once that old', async () => {
    const lockLifetimeMs = 2_000;
    const old = await leftoverTemp(rootDir, 3_600_000);
    const recent = await leftoverTemp(rootDir, 0);
    const writtenAt = Date.now();
    const store = new FileImageStore({ rootDir });
    const maintenance = startWorkerMaintenance({
      db: client.db(dbName),
      store,
      jobResultTtlMs: 3_600_000,
      tempFileMaxAgeMs: lockLifetimeMs,
      intervalMs: 250,
      logger: noopLogger,
    });
    try {
      await maintenance.firstSweep;
      expect(await present(old)).toBe(false);
      expect(await present(recent)).toBe(true);
      while (await present(recent)) {
        if (Date.now() - writtenAt > lockLifetimeMs + 5_000) throw new Error('the recent temporary file was never removed');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(Date.now() - writtenAt).toBeGreaterThanOrEqual(lockLifetimeMs);
      expect(await readdir(join(recent, '..'))).toEqual([]);
    } finally {
      await maintenance.stop();
    }
  });

  it('is what README says of the temporary files a killed worker leaves', () => {
    const readme = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).not.toContain('the next worker to start removes the temporary files the kill left');
    expect(readme).toMatch(
      /a maintenance sweep of a worker, run at its start and then every `JOB_LOCK_LIFETIME` \([^)]*\), deletes a temporary file once its last write is `JOB_LOCK_LIFETIME` old/,
    );
  });
});
