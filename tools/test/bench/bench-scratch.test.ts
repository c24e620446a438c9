import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBenchScratch } from '../../src/bench/bench-scratch.js';

describe('a benchmark scratch folder', () => {
  it('holds the database, photo and log folders of a run under one temporary root and removes all of it after a run that ended well', async () => {
    const scratch = await createBenchScratch('phx-bench-test-');
    const db = await scratch.folder('db');
    const images = await scratch.folder('images-latency');
    const logs = await scratch.folder('logs');
    for (const dir of [db, images, logs]) {
      expect(dir.startsWith(scratch.root)).toBe(true);
      await writeFile(join(dir, 'a-file'), 'x'.repeat(1024));
    }
    expect(await scratch.folder('db')).toBe(db);
    expect(await scratch.dispose({ keepLogs: false })).toBeNull();
    expect(existsSync(scratch.root)).toBe(false);
  });

  it('after a failed run keeps only the logs, and says where', async () => {
    const scratch = await createBenchScratch('phx-bench-test-');
    await writeFile(join(await scratch.folder('db'), 'sqlite'), 'x');
    await writeFile(join(await scratch.folder('images-throughput'), 'photo.jpg'), 'x');
    await writeFile(join(await scratch.folder('logs'), 'worker.log'), 'the failure');
    const kept = await scratch.dispose({ keepLogs: true });
    expect(kept).toBe(join(scratch.root, 'logs'));
    expect(await readdir(scratch.root)).toEqual(['logs']);
    expect(await readdir(join(scratch.root, 'logs'))).toEqual(['worker.log']);
  });

  it('refuses a folder name that would leave the root', async () => {
    const scratch = await createBenchScratch('phx-bench-test-');
    await expect(scratch.folder('../elsewhere')).rejects.toThrow('"../elsewhere" is not a plain folder name');
    await scratch.dispose({ keepLogs: false });
  });
});
