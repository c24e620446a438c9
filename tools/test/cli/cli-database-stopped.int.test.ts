import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDataDir } from '../../src/db/workspace-paths.js';
import { startLocalMongo, stopLocalMongo } from '../../src/db/local-mongo.js';
import type { LocalMongoOptions } from '../../src/db/local-mongo.js';
import { freePort } from '../../src/process/child-service.js';
import { CLI } from './built-cli.js';

/** `MONGODB_CONNECT_TIMEOUT_MS` and `MONGODB_SOCKET_TIMEOUT_MS` of these runs. */
const TIMEOUT_MS = 2_000;

describe('an in-process run whose FerretDB stops mid-run', () => {
  let server: LocalMongoOptions;
  let uri = '';
  let imagesDir = '';

  beforeAll(async () => {
    server = {
      dataDir: await mkdtemp(join(tmpdir(), 'phx-cli-stopped-db-')),
      port: await freePort(),
      binDir: join(localDataDir(), 'bin'),
    };
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-cli-stopped-img-'));
  }, 120_000);
  afterAll(async () => {
    await stopLocalMongo(server);
    await rm(server.dataDir, { recursive: true, force: true });
    await rm(imagesDir, { recursive: true, force: true });
  }, 60_000);

  it.each([[[]], [['--json']]])(
    '--all --replay %j exits 1 with DATABASE_UNAVAILABLE and no stack trace',
    async (extra) => {
      ({ uri } = await startLocalMongo(server));
      const child = spawn(process.execPath, [CLI, '--all', '--replay', ...extra], {
        env: {
          ...process.env,
          LOG_LEVEL: 'silent',
          MONGODB_URI: uri,
          MONGODB_DB: `phx_cli_stopped_${extra.length}`,
          PHX_IMAGES_DIR: imagesDir,
          MONGODB_CONNECT_TIMEOUT_MS: String(TIMEOUT_MS),
          MONGODB_SOCKET_TIMEOUT_MS: String(TIMEOUT_MS),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      const exited = once(child, 'exit');
      // The job is written and followed: the database goes away under the run.
      while (!/extracting \d+ propert|"type":"job"/.test(stdout + stderr) && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await stopLocalMongo(server), stdout + stderr).toBe(true);
      const [code, signal] = (await exited) as [number | null, string | null];
      clearTimeout(timer);
      expect(signal, 'still running after 90 s').toBeNull();
      expect(code, stderr).toBe(1);
      expect(stderr).toContain(`DATABASE_UNAVAILABLE: MongoDB at ${uri} did not answer`);
      expect(stderr, 'a stack trace').not.toMatch(/^\s+at /m);
      expect(stderr).not.toContain('MongoServerSelectionError');
      if (extra.includes('--json')) {
        // README: no `summary` when MongoDB fails under the run; the last `progress` line holds what was known.
        const types = stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { type: string }).type);
        expect(types[0], stdout).toBe('job');
        expect(types.at(-1), stdout).toBe('progress');
        expect(types, stdout).not.toContain('summary');
      }
    },
    150_000,
  );
});
