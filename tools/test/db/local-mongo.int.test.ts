import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMongoStatus, startLocalMongo, stopLocalMongo } from '../../src/db/local-mongo.js';
import { localDataDir } from '../../src/db/workspace-paths.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local FerretDB', () => {
  const port = 27100 + Math.floor(Math.random() * 800);
  let dataDir = '';
  const options = () => ({ dataDir, port, binDir: join(localDataDir(), 'bin') });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'phx-ferretdb-'));
  });

  afterAll(async () => {
    await stopLocalMongo(options());
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts once, is reused, stores documents on 127.0.0.1, and stops cleanly', async () => {
    const first = await startLocalMongo(options());
    expect(first.uri).toBe(`mongodb://127.0.0.1:${port}/`);
    const second = await startLocalMongo(options());
    expect(second.pid).toBe(first.pid);

    const client = await MongoClient.connect(first.uri);
    try {
      const docs = client.db('phx_local_mongo_test').collection<{ _id: string; n: number }>('things');
      await docs.insertOne({ _id: 'a', n: 1 });
      expect(await docs.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
    } finally {
      await client.close();
    }

    expect((await localMongoStatus(options()))?.pid).toBe(first.pid);
    expect(await stopLocalMongo(options())).toBe(true);
    expect(isAlive(first.pid)).toBe(false);
    expect(await localMongoStatus(options())).toBeNull();
    expect(await stopLocalMongo(options())).toBe(false);
  });

  it('refuses a port another server answers on, naming the way out', async () => {
    const other = await mkdtemp(join(tmpdir(), 'phx-ferretdb-other-'));
    try {
      await startLocalMongo(options());
      await expect(startLocalMongo({ ...options(), dataDir: other })).rejects.toThrow(/already answers.*PHX_FERRETDB_PORT/);
    } finally {
      await stopLocalMongo(options());
      await rm(other, { recursive: true, force: true });
    }
  });
});
