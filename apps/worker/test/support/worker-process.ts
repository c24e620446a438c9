import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built worker entry. */
export const WORKER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A worker process started by a test. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when a line of output contains `text`; rejects after `timeoutMs` or when the process exits first. */
  waitForLine(text: string, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited(): Promise<number | string>;
  /** Sends SIGKILL if still running (cleanup). */
  kill(): void;
}

/**
 * Starts `node apps/worker/dist/main.js` with `env` added to a minimal environment
 * (plus `PHX_FIXTURES_DIR` when the tests run with it).
 *
 * @param env - the worker's variables
 */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      // The fixtures may live elsewhere than ../shared/fixtures; the tests follow the user's setting.
      ...(process.env['PHX_FIXTURES_DIR'] === undefined ? {} : { PHX_FIXTURES_DIR: process.env['PHX_FIXTURES_DIR'] }),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? signal ?? 'unknown');
      for (const l of listeners) l();
    });
  });
  return {
    child,
    output: () => text,
    waitForLine(wanted, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = text.split('\n').find((l) => l.includes(wanted));
          if (line !== undefined) {
            done();
            resolve(line);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`worker exited before printing "${wanted}":\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`worker did not print "${wanted}" within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    exited: () => exit,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
