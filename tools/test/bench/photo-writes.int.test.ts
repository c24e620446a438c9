import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { toPropertyId } from '@phx/core';
import { MongoPhotoRepository, photoCollectionName } from '@phx/jobs';
import { latencyOf, madeUpDocument, madeUpSighting } from '../../src/bench/photo-writes-main.js';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  db = client.db(`phx_test_tools_photo_writes_${randomBytes(4).toString('hex')}`);
});
afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

describe('bench:photo-writes helpers', () => {
  it('fills with the very documents the repository writes for a new picture', async () => {
    const recorded = new MongoPhotoRepository({ db, collectionName: 'photos_recorded' });
    const propertyId = toPropertyId('1 Filled St, Phoenix, AZ 85001');
    const seenAt = new Date(Date.UTC(2030, 0, 1));
    await recorded.recordPhoto(madeUpSighting(propertyId, 3, { seenAt, newPicture: true }));
    await db
      .collection(photoCollectionName(propertyId))
      .insertOne({ ...madeUpDocument(propertyId, 3), firstSeenAt: seenAt, lastSeenAt: seenAt });
    const partitions = [photoCollectionName(propertyId), photoCollectionName(propertyId, 'photos_recorded')];
    const [filled, written] = await Promise.all(partitions.map((c) => db.collection(c).findOne({})));
    expect(filled).toEqual(written);
    expect(filled?._id).toBe(`${propertyId}:${madeUpSighting(propertyId, 3).sha256}`);
  });

  it('gives the median and the nearest-rank p95 of durations in any order', () => {
    const durations = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(latencyOf(durations)).toEqual({ samples: 20, medianMs: 10, p95Ms: 19 });
  });

  it('drops its database when interrupted (Ctrl-C) mid-run, and exits 130', async () => {
    const benchDatabases = async (): Promise<string[]> =>
      (await client.db().admin().listDatabases()).databases.map((d) => d.name).filter((name) => name.startsWith('phx_bench_photo_writes_'));
    const before = await benchDatabases();
    const script = fileURLToPath(new URL('../../dist/bench/photo-writes-main.js', import.meta.url));
    const child = spawn(process.execPath, [script, '--sizes', '200,200000'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "filled to" line within 60 s: ${stderr}`)), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('filled to')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await benchDatabases()).toEqual(before);
  }, 120_000);
});
