import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { within } from './support/subscription-recorder.js';
import { createKeyedWsClient } from './support/ws-client.js';

/** How long a test waits for the access line of a response it has read, in ms. */
const LINE_WAIT_MS = 5_000;

/** A pino destination that keeps every line, with waiters for the line of one request. */
class CapturedLog {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  private readonly waiters: { match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];

  write(text: string): void {
    this.raw.push(text);
    const line = JSON.parse(text) as Record<string, unknown>;
    this.lines.push(line);
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.match(line)) waiter.resolve(line);
      else this.waiters.push(waiter);
    }
  }

  /** The access line whose `reqId` is `reqId`; registered before the request is sent. */
  lineOf(reqId: string): Promise<Record<string, unknown>> {
    return this.waitFor((line) => line['reqId'] === reqId && line['component'] === 'http', reqId);
  }

  /** The first line, already written or to come, that `match` accepts. */
  waitFor(match: (line: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
    const seen = this.lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line for ${what} within ${LINE_WAIT_MS} ms`)), LINE_WAIT_MS);
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }
}

describe('the access log: one line per HTTP request, without secrets', () => {
  let harness: GraphqlHarness;
  let origin: string;
  let url: string;
  const log = new CapturedLog();
  let sequence = 0;

  /** Sends a request with a fresh X-Request-Id and returns the response and its access line. */
  const send = async (path: string, init: RequestInit = {}): Promise<{ response: Response; line: Record<string, unknown> }> => {
    const reqId = `test-${++sequence}`;
    const line = log.lineOf(reqId);
    const response = await fetch(`${origin}${path}`, {
      ...init,
      headers: { 'x-request-id': reqId, ...(init.headers as Record<string, string>) },
    });
    await response.arrayBuffer();
    return { response, line: await line };
  };
  const graphql = (body: unknown, authorization?: string): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify(body),
  });

  beforeAll(async () => {
    harness = await openGraphqlHarness('access_log', { accessLogger: pino({ level: 'debug' }, log) });
    url = await harness.server.start();
    origin = new URL(url).origin;
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('logs a GraphQL request with its request id, key id, operation name and type, status and time in ms', async () => {
    const { response, line } = await send('/graphql', graphql({ query: 'query WhoAmI { me { keyId } }' }, harness.readKey.authorization));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe(line['reqId']);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      method: 'POST',
      path: '/graphql',
      status: 200,
      keyId: harness.readKey.doc.id,
      operationName: 'WhoAmI',
      operationType: 'query',
    });
    expect(typeof line['responseTimeMs']).toBe('number');
    expect(line['responseTimeMs']).toBeGreaterThanOrEqual(0);
  });

  it('names the chosen operation of a document with several, and the type of an anonymous one', async () => {
    const document = 'query A { me { keyId } } mutation B { cancelJob(id: "none") { id } }';
    const chosen = await send('/graphql', graphql({ query: document, operationName: 'B' }, harness.adminKey.authorization));
    expect(chosen.line).toMatchObject({ operationName: 'B', operationType: 'mutation', keyId: harness.adminKey.doc.id });
    const anonymous = await send('/graphql', graphql({ query: '{ me { role } }' }, harness.adminKey.authorization));
    expect(anonymous.line['operationType']).toBe('query');
    expect(anonymous.line).not.toHaveProperty('operationName');
  });

  it('logs a refused request with its status and no key id', async () => {
    const { response, line } = await send('/graphql', graphql({ query: '{ me { keyId } }' }, 'Bearer phx_not-a-real-key'));
    expect(response.status).toBe(401);
    expect(line).toMatchObject({ status: 401, path: '/graphql', level: 30 });
    expect(line).not.toHaveProperty('keyId');
  });

  it('replaces a request id that is not sane with a fresh UUID, and echoes it', async () => {
    const before = log.lines.length;
    const line = log.waitFor((l) => l['path'] === '/graphiql' && log.lines.indexOf(l) >= before, 'GET /graphiql');
    const response = await fetch(`${origin}/graphiql`, { headers: { 'x-request-id': 'bad id\twith "quotes" and spaces' } });
    await response.arrayBuffer();
    const echoed = response.headers.get('x-request-id');
    expect(echoed).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await line)['reqId']).toBe(echoed);
  });

  it('logs health checks at debug level', async () => {
    const { line } = await send('/healthz');
    expect(line).toMatchObject({ level: 20, path: '/healthz', status: 200 });
  });

  it('logs a WebSocket connection opening and closing, and each subscribe with its operation name and type', async () => {
    const ws = (component: string, msg: string) => (line: Record<string, unknown>) =>
      line['component'] === component && line['msg'] === msg;
    const opened = log.waitFor(ws('ws', 'ws connection opened'), 'ws open');
    const subscribed = log.waitFor(ws('ws', 'ws subscribe'), 'ws subscribe');
    const closed = log.waitFor(ws('ws', 'ws connection closed'), 'ws close');
    const client = createKeyedWsClient(url, harness.readKey.authorization);
    try {
      const result = await within(
        new Promise<unknown>((resolve, reject) => {
          let data: unknown;
          client.subscribe(
            { query: 'query OverWs { me { keyId } }' },
            { next: (value) => (data = value), error: reject, complete: () => resolve(data) },
          );
        }),
        LINE_WAIT_MS,
        'the query over graphql-ws',
      );
      expect(result).toMatchObject({ data: { me: { keyId: harness.readKey.doc.id } } });
    } finally {
      await client.dispose();
    }
    const [open, subscribe, close] = await Promise.all([opened, subscribed, closed]);
    expect(open).toMatchObject({ keyId: harness.readKey.doc.id, level: 30 });
    expect(typeof open['connId']).toBe('string');
    expect(subscribe).toMatchObject({
      connId: open['connId'],
      keyId: harness.readKey.doc.id,
      operationName: 'OverWs',
      operationType: 'query',
    });
    expect(close).toMatchObject({ connId: open['connId'], keyId: harness.readKey.doc.id });
    expect(typeof close['durationMs']).toBe('number');
  });

  it('never writes the key, the Authorization header, a session cookie, a query string or the body', async () => {
    const secretCookie = 'phx_session=cookie-secret-value-123';
    await send('/graphql?token=query-secret-456', {
      ...graphql({ query: '{ me { keyId } }', variables: { password: 'body-secret-789' } }, harness.adminKey.authorization),
      headers: { 'content-type': 'application/json', authorization: harness.adminKey.authorization, cookie: secretCookie },
    });
    await send('/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: harness.readKey.key }),
    });
    const all = log.raw.join('');
    for (const secret of [
      harness.adminKey.key,
      harness.readKey.key,
      'Bearer',
      'cookie-secret-value-123',
      'query-secret-456',
      'body-secret-789',
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all.toLowerCase()).not.toContain('authorization');
  });
});
