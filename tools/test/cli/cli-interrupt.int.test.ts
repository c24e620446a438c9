import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// The failure signal only: a CLI that does not end by itself is killed after this.
const KILL_AFTER_MS = 150_000;

/** The fields of a job document this test reads. */
interface JobCounts {
  readonly _id: string;
  readonly status: string;
  readonly completedProperties: number;
  readonly partialProperties: number;
  readonly failedProperties: number;
  readonly totalProperties: number;
}

interface InterruptedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('Ctrl-C of an in-process extraction (the built CLI, replay, Chromium, FerretDB)', () => {
  const dbName = `phx_cli_int_${randomUUID().slice(0, 8)}`;
  let imagesDir = '';
  let client: MongoClient;

  beforeAll(async () => {
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-cli-int-'));
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  /**
   * Runs `--all --replay` and sends SIGINT (what a terminal's Ctrl-C sends) once a property is done
   * (so Chromium is up: Playwright installs its handlers when it launches it).
   */
  function interruptRun(): Promise<InterruptedRun> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, '--all', '--replay'], {
        env: { ...process.env, MONGODB_DB: dbName, PHX_IMAGES_DIR: imagesDir, LOG_LEVEL: 'silent', PHX_PROGRESS_INTERVAL_MS: '300' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let interrupted = false;
      const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      // Progress goes to stderr: plain lines, as stderr is a pipe.
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (!interrupted && /in_progress +[1-9]\d*\/\d+ properties done/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(killer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  it(
    'cancels the job, prints its report and exits 130; the job is cancelled, not left in_progress',
    { timeout: KILL_AFTER_MS + 30_000 },
    async () => {
      const run = await interruptRun();
      const jobId = /Job ([0-9a-f-]{36}): extracting/.exec(run.stdout)?.[1] ?? '';
      expect(jobId).not.toBe('');
      const job = await client.db(dbName).collection<JobCounts>('extraction_jobs').findOne({ _id: jobId });
      expect({ status: job?.status, code: run.code, signal: run.signal }).toEqual({ status: 'cancelled', code: 130, signal: null });
      expect(run.stderr).toContain('Cancelling...');
      // Besides that note, stderr holds progress lines only (no error).
      expect(run.stderr.split('\n').filter((l) => l !== '' && l !== 'Cancelling...' && !/^\[ *\d+\.\ds\] /.test(l))).toEqual([]);
      // The catalog orders properties by id, so the partial New York one often ends before the cancel: its note may follow the status.
      expect(run.stdout).toMatch(new RegExp(`Job ${jobId}: cancelled( \\([^)]*\\))?\\n  Progress: `));
      // Not every property was done: the run was cut short, not waited out.
      expect(Number(job?.completedProperties) + Number(job?.partialProperties) + Number(job?.failedProperties)).toBeLessThan(
        Number(job?.totalProperties),
      );
    },
  );
});
