import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** How to start one service process (the worker or the GraphQL server). */
export interface ChildServiceOptions {
  /** Name used in messages, e.g. `worker`. */
  readonly name: string;
  /** Absolute path of the built entry script. */
  readonly script: string;
  /** Extra environment variables (merged over this process's). */
  readonly env: Readonly<Record<string, string>>;
  /** A line of the child's stdout or stderr matching this means it is ready. */
  readonly readyPattern: RegExp;
  /** Where the child's stdout and stderr are appended. */
  readonly logFile: string;
  /** How long to wait for the ready line, in ms; default 60 000. */
  readonly readyTimeoutMs?: number;
}

/** A started service process. */
export interface ChildService {
  /** The process. */
  readonly child: ChildProcess;
  /** The ready line that was seen. */
  readonly readyLine: string;
  /**
   * Sends SIGTERM and waits for the exit (SIGKILL after `timeoutMs`).
   *
   * @param timeoutMs - grace period in ms; default 15 000
   * @returns the exit code (`null` when killed by a signal)
   */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Finds a free TCP port on 127.0.0.1.
 *
 * @returns a port number that was free a moment ago
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('could not read a free port');
  return address.port;
}

/**
 * Starts a Node.js service process, in a process group of its own (a
 * terminal's Ctrl-C reaches only the caller, which stops it with `stop()`),
 * and waits until it prints its ready line.
 *
 * @param options - script, environment, ready pattern and log file
 * @returns the running service
 * @throws Error when the process exits or stays silent before it is ready (the log file is named)
 */
export async function startChildService(options: ChildServiceOptions): Promise<ChildService> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [options.script], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: a terminal's Ctrl-C reaches only the parent, which stops its services in order.
    detached: true,
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const readyLine = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`${options.name} was not ready after ${options.readyTimeoutMs ?? 60_000} ms; see ${options.logFile}`)),
      options.readyTimeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer): void => {
      log.write(chunk);
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const line = lines.find((l) => options.readyPattern.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (code ${code}, signal ${signal}) before it was ready; see ${options.logFile}`));
    });
  });
  child.stdout?.removeAllListeners('data');
  child.stderr?.removeAllListeners('data');
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return {
    child,
    readyLine,
    async stop(timeoutMs = 15_000): Promise<number | null> {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
