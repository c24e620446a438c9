import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** How to start a built service process. */
export interface ChildServiceOptions {
  /** Name used in messages. */
  readonly name: string;
  /** Absolute path of the built entry script. */
  readonly script: string;
  /** Environment (merged over this process's). */
  readonly env: Readonly<Record<string, string>>;
  /** A stdout/stderr line matching this means ready. */
  readonly readyPattern: RegExp;
  /** How long to wait for it, in ms. */
  readonly readyTimeoutMs: number;
}

/** A running service process. */
export interface ChildService {
  /** The process. */
  readonly child: ChildProcess;
  /** The ready line. */
  readonly readyLine: string;
  /** Every output line so far (for failure messages). */
  readonly output: string[];
  /**
   * Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`).
   *
   * @returns the exit code, `null` when killed by a signal
   */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Starts `node <script>` and waits for its ready line.
 *
 * @param options - script, environment, ready pattern
 * @returns the running service
 * @throws Error with the output so far when it exits or stays silent first
 */
export async function startChildService(options: ChildServiceOptions): Promise<ChildService> {
  const child = spawn(process.execPath, [options.script], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const output: string[] = [];
  const tail = (): string => output.slice(-30).join('\n');
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} not ready after ${options.readyTimeoutMs} ms:\n${tail()}`)),
      options.readyTimeoutMs,
    );
    const onLine = (line: string): void => {
      output.push(line);
      if (options.readyPattern.test(line)) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (buffered + chunk.toString('utf8')).split('\n');
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (code ${code}, signal ${signal}) before it was ready:\n${tail()}`));
    });
  });
  return {
    child,
    readyLine,
    output,
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
