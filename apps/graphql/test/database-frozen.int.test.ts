import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';

/** What these tests use of the worker tests' freezing proxy (`apps/worker/test/support/freezing-proxy.ts`). */
interface FreezingProxy {
  readonly port: number;
  stallQueries(): void;
  close(): Promise<void>;
}

/** Starts the worker tests' freezing proxy to `targetPort`, loaded by path at run time (another project's test support). */
async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  const module = new URL('../../../' + 'apps/worker/test/support/freezing-proxy.ts', import.meta.url).href;
  const { startFreezingProxy: start } = (await import(module)) as { startFreezingProxy(port: number): Promise<FreezingProxy> };
  return start(targetPort);
}

/** `/readyz`'s deadline for its database read (2 s), plus slack for a loaded 2-core machine. */
const READY_503_WITHIN_MS = 2_000 + 2_000;
/** The server's watchdog timings here, in ms. */
const WATCHDOG = { intervalMs: 600_000, timeoutMs: 1_000 };
/** README's bound from the first unanswered probe (the failed readiness read asks for one at once) to the exit, plus slack. */
const EXIT_WITHIN_MS = 6 * WATCHDOG.timeoutMs + 5_000;

describe('GraphQL server whose database takes connections and answers handshakes, but no query', () => {
  let proxy: FreezingProxy;
  let server: GraphqlProcess;

  beforeAll(async () => {
    const target = new URL(process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/');
    proxy = await startFreezingProxy(Number(target.port));
    server = await startGraphqlProcess('frozen', {
      MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/`,
      WATCHDOG_INTERVAL_MS: String(WATCHDOG.intervalMs),
      WATCHDOG_TIMEOUT_MS: String(WATCHDOG.timeoutMs),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
  }, 60_000);

  it(`answers /readyz 503 naming the database read within ${READY_503_WITHIN_MS} ms, /healthz 200, then exits 1 (watchdog)`, async () => {
    expect((await fetch(`${server.origin}/readyz`)).status).toBe(200);
    const exited = once(server.service.child, 'exit');
    proxy.stallQueries();
    const startedAt = performance.now();
    const response = await fetch(`${server.origin}/readyz`, { signal: AbortSignal.timeout(30_000) });
    const ms = performance.now() - startedAt;
    const body = (await response.json()) as { status: string; reason?: string };
    process.stdout.write(`frozen database: graphql /readyz ${response.status} in ${ms.toFixed(0)} ms: ${body.reason}\n`);
    expect(response.status).toBe(503);
    expect(body.reason).toMatch(/read of .* did not answer within 2000 ms/);
    expect(ms).toBeLessThan(READY_503_WITHIN_MS);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    const timeout = new Promise<['running']>((resolve) => setTimeout(() => resolve(['running']), 60_000).unref());
    const [code] = await Promise.race([exited, timeout]);
    const exitMs = performance.now() - startedAt;
    process.stdout.write(`frozen database: graphql exit ${String(code)} after ${exitMs.toFixed(0)} ms\n`);
    expect(code).toBe(1);
    expect(exitMs).toBeLessThan(EXIT_WITHIN_MS + READY_503_WITHIN_MS);
  }, 120_000);
});
