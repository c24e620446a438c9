import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';
import { within } from './support/subscription-recorder.js';

/** Fragment levels of the attack: each level spreads the next one twice, 2^30 spreads when walked naively. */
const LEVELS = 30;
/**
 * The bound is 50 ms; asserted with 20× slack for a loaded 2-core
 * machine (the naive walk takes minutes at 30 levels, so the test still tells them apart).
 */
const REFUSAL_BOUND_MS = 1_000;
/** `/healthz` answers within this while the attack is validated (same slack). */
const HEALTHZ_BOUND_MS = 1_000;
/** Refusals measured per transport; the best one is held to the bound (the others absorb the machine's load). */
const ATTEMPTS = 3;
/** The request is given up after this: a server stuck in validation fails here, not at the vitest timeout. */
const ABORT_AFTER_MS = 15_000;

/** The JSON body of a refused request. */
interface RefusalBody {
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string } }[];
}

/** `{ ...F0 }` with `fragment Fi on Query { ...Fi+1 ...Fi+1 }` for `levels` levels: about 1 KB, 2^levels spreads. */
function nestedFragmentQuery(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query Nested { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { schedules { id } }`;
}

/** Polls `/healthz` until `done` settles; returns the slowest answer time in ms. */
async function slowestHealthz(origin: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let slowest = 0;
  do {
    const startedAt = performance.now();
    const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(ABORT_AFTER_MS) }).catch(() => null);
    slowest = Math.max(slowest, response?.status === 200 ? performance.now() - startedAt : Number.POSITIVE_INFINITY);
    await new Promise((resolve) => setTimeout(resolve, 10));
  } while (!finished);
  return slowest;
}

describe('validation cannot be made exponential: nested fragment spreads against the built server process', () => {
  let server: GraphqlProcess;
  const query = nestedFragmentQuery(LEVELS);

  beforeAll(async () => {
    server = await startGraphqlProcess('validation_dos');
    // Warm up the process (JIT, key lookup, Apollo's first request) so the timing measures validation.
    await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: server.readKey.authorization },
      body: JSON.stringify({ query: '{ schedules { id } }' }),
    });
  });
  afterAll(async () => {
    // A server stuck in validation does not answer SIGTERM: kill it after 2 s.
    await server?.close(2_000);
  });

  /** One refusal over HTTP, with the slowest /healthz answer while it was pending. */
  const refuseOverHttp = async (): Promise<{ status: number; body: RefusalBody; ms: number; healthzMs: number }> => {
    const startedAt = performance.now();
    const request = fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: server.readKey.authorization },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(ABORT_AFTER_MS),
    })
      .then(async (response) => ({
        status: response.status,
        body: (await response.json()) as RefusalBody,
        ms: performance.now() - startedAt,
      }))
      // A server stuck in validation: no answer within ABORT_AFTER_MS.
      .catch(() => ({ status: 0, body: {} as RefusalBody, ms: Number.POSITIVE_INFINITY }));
    const [answer, healthzMs] = await Promise.all([request, slowestHealthz(server.origin, request)]);
    return { ...answer, healthzMs };
  };

  it(`refuses the ${LEVELS}-level query over HTTP within ${REFUSAL_BOUND_MS} ms (best of ${ATTEMPTS}) while /healthz stays fast`, async () => {
    expect(query.length).toBeLessThan(2_000);
    const answers: Awaited<ReturnType<typeof refuseOverHttp>>[] = [];
    // A stuck server (an infinite time) ends the attempts at once.
    while (answers.length < ATTEMPTS && answers.every((a) => a.ms < ABORT_AFTER_MS)) answers.push(await refuseOverHttp());
    const figures = answers.map((a) => `${a.ms.toFixed(1)} ms (slowest /healthz ${a.healthzMs.toFixed(1)} ms)`);
    process.stdout.write(`nested fragments (${LEVELS} levels) over HTTP: refused in ${figures.join(', ')}\n`);
    // The attempt least disturbed by the machine's other load: refusal and /healthz both within the bound.
    const best = answers.reduce((a, b) => (Math.max(b.ms, b.healthzMs) < Math.max(a.ms, a.healthzMs) ? b : a));
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(answer.body.errors?.map((e) => e.message).join(' ')).toMatch(/Query Cost limit of 5000 exceeded/);
    }
    expect(best.ms).toBeLessThan(REFUSAL_BOUND_MS);
    expect(best.healthzMs).toBeLessThan(HEALTHZ_BOUND_MS);
  });

  /** One refusal over graphql-ws on a connected client, with the slowest /healthz answer while it was pending. */
  const refuseOverWs = async (client: Client): Promise<{ errors: unknown; ms: number; healthzMs: number }> => {
    const startedAt = performance.now();
    const refused = new Promise<{ errors: unknown; ms: number }>((resolve, reject) => {
      client.subscribe(
        { query },
        {
          next: () => reject(new Error('the nested query ran')),
          error: (errors) => resolve({ errors, ms: performance.now() - startedAt }),
          complete: () => reject(new Error('the nested query completed')),
        },
      );
    });
    const guarded = within(refused, ABORT_AFTER_MS, 'refusal over graphql-ws').catch(() => ({
      errors: null,
      ms: Number.POSITIVE_INFINITY,
    }));
    const [answer, healthzMs] = await Promise.all([guarded, slowestHealthz(server.origin, guarded)]);
    return { ...answer, healthzMs };
  };

  it(`refuses the ${LEVELS}-level query over graphql-ws within ${REFUSAL_BOUND_MS} ms (best of ${ATTEMPTS}) while /healthz stays fast`, async () => {
    const client = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: server.readKey.authorization },
    });
    try {
      // Connect first, so the timing is the operation's alone.
      const warmUp = new Promise<void>((resolve, reject) => {
        client.subscribe({ query: '{ schedules { id } }' }, { next: () => undefined, error: reject, complete: resolve });
      });
      await within(warmUp, 10_000, 'warm-up');
      const answers: Awaited<ReturnType<typeof refuseOverWs>>[] = [];
      while (answers.length < ATTEMPTS && answers.every((x) => x.ms < ABORT_AFTER_MS)) answers.push(await refuseOverWs(client));
      const figures = answers.map((x) => `${x.ms.toFixed(1)} ms (slowest /healthz ${x.healthzMs.toFixed(1)} ms)`);
      process.stdout.write(`nested fragments (${LEVELS} levels) over graphql-ws: refused in ${figures.join(', ')}\n`);
      for (const answer of answers) expect(JSON.stringify(answer.errors)).toMatch(/Query Cost limit of 5000 exceeded/);
      const best = answers.reduce((x, y) => (Math.max(y.ms, y.healthzMs) < Math.max(x.ms, x.healthzMs) ? y : x));
      expect(best.ms).toBeLessThan(REFUSAL_BOUND_MS);
      expect(best.healthzMs).toBeLessThan(HEALTHZ_BOUND_MS);
    } finally {
      await within(Promise.resolve(client.dispose()), 5_000, 'client dispose').catch(() => undefined);
    }
  });
});
