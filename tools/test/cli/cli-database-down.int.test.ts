import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const APIKEY = fileURLToPath(new URL('../../dist/apikey/main.js', import.meta.url));

/** A loopback port nothing listens on (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function runWith(
  script: string,
  uri: string,
  ...args: string[]
): Promise<{ code: number | string; stderr: string; killed: boolean }> {
  const env = { ...process.env, LOG_LEVEL: 'silent', MONGODB_URI: uri, MONGODB_CONNECT_TIMEOUT_MS: '2000' };
  try {
    const { stderr } = await run(process.execPath, [script, ...args], { env, timeout: 25_000 });
    return { code: 0, stderr, killed: false };
  } catch (error) {
    const e = error as { code: number | string; stderr: string; killed: boolean };
    return { code: e.code, stderr: e.stderr, killed: e.killed };
  }
}

describe('the CLIs with the database down', () => {
  it('phx-extract gives up after MONGODB_CONNECT_TIMEOUT_MS, naming the server without its user info, exit 1', async () => {
    const port = await closedPort();
    const result = await runWith(CLI, `mongodb://phx:s3cret@127.0.0.1:${port}/`, '--job-id', '3f6c2a9e-8d1b-4c5e-9a7f-2b4d6e8f0a1c');
    expect(result.killed, 'still waiting at 25 s').toBe(false);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`DATABASE_UNAVAILABLE: MongoDB at mongodb://127.0.0.1:${port}/ did not answer within 2000 ms`);
    expect(result.stderr).not.toContain('s3cret');
  }, 40_000);

  it('phx-apikey does the same', async () => {
    const port = await closedPort();
    const result = await runWith(APIKEY, `mongodb://127.0.0.1:${port}/`, 'list');
    expect(result.killed, 'still waiting at 25 s').toBe(false);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`MongoDB at mongodb://127.0.0.1:${port}/ did not answer within 2000 ms`);
  }, 40_000);
});
