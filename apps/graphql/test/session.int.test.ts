import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toContentHash } from '@phx/core';
import { parseSetCookie, type SetCookie } from 'cookie';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { API_SESSIONS_COLLECTION, hashSessionToken, type ApiSessionDocument } from '../src/auth/session-store.js';
import { insertTestApiKey, revokeTestApiKey, type TestApiKey } from './support/api-keys.js';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { DAVIS_ADDRESS, DAVIS_ID } from './support/sample-properties.js';
import { endOf, recordSubscription } from './support/subscription-recorder.js';

const ME = '{ me { keyId name role } }';
const ENQUEUE = `mutation($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id } }`;
const PROGRESS = 'subscription($jobId: ID!) { jobProgress(jobId: $jobId) { id status } }';
const CONSOLE_ORIGIN = 'http://console.example.test:5173';
const FOREIGN_ORIGIN = 'http://evil.example.test';
const SESSION_TTL_MS = 3_600_000;

/** A response read whole: status, headers, parsed JSON body (or `null` when empty). */
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** The first error's code and message of a GraphQL-shaped JSON body. */
function firstError(body: unknown): { code: unknown; message: unknown } {
  const error = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] }).errors?.[0];
  return { code: error?.extensions?.code, message: error?.message };
}

describe('browser sessions: sign-in, the phx_session cookie on every keyed route, CSRF and CORS', () => {
  let harness: GraphqlHarness;
  let sandbox: string;
  let url: string;
  let origin: string;
  let wsUrl: string;
  const clients: Client[] = [];
  const image = { sha: toContentHash('c'.repeat(64)), bytes: randomBytes(2_000) };

  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> => {
    const response = await fetch(`${origin}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  const signIn = async (key: TestApiKey, from = origin): Promise<{ answer: Answer; cookie: SetCookie }> => {
    const answer = await call(
      'POST',
      '/session',
      { 'content-type': 'application/json', origin: from },
      JSON.stringify({ apiKey: key.key }),
    );
    const setCookie = answer.headers.getSetCookie();
    expect(setCookie, JSON.stringify(answer.body)).toHaveLength(1);
    return { answer, cookie: parseSetCookie(setCookie[0] ?? '') };
  };
  const cookieHeader = (cookie: SetCookie): string => `${cookie.name}=${cookie.value}`;
  const graphqlWithCookie = (cookie: SetCookie, query: string, variables: Record<string, unknown> = {}, from: string | null = origin) =>
    call(
      'POST',
      '/graphql',
      { 'content-type': 'application/json', cookie: cookieHeader(cookie), ...(from === null ? {} : { origin: from }) },
      JSON.stringify({ query, variables }),
    );
  /** A graphql-ws client whose upgrade request carries the cookie and an Origin, as a browser's does. */
  const wsClientWithCookie = (cookie: SetCookie, from: string): Client => {
    class BrowserLikeSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { cookie: cookieHeader(cookie) }, origin: from });
      }
    }
    const client = createClient({ url: wsUrl, webSocketImpl: BrowserLikeSocket, retryAttempts: 0, lazy: true });
    clients.push(client);
    return client;
  };
  const sessionDoc = (token: string | undefined) =>
    harness.database.db.collection<ApiSessionDocument>(API_SESSIONS_COLLECTION).findOne({ _id: hashSessionToken(token ?? '') });

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'phx-session-'));
    const imagesDir = join(sandbox, 'images');
    await mkdir(join(imagesDir, DAVIS_ID), { recursive: true });
    await writeFile(join(imagesDir, DAVIS_ID, `${image.sha}.jpg`), image.bytes);
    harness = await openGraphqlHarness('session', {
      config: { imagesDir, corsOrigins: [CONSOLE_ORIGIN], sessionTtlMs: SESSION_TTL_MS },
    });
    url = await harness.server.start();
    origin = new URL(url).origin;
    wsUrl = url.replace(/^http/, 'ws');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  afterAll(async () => {
    await harness?.close();
    if (sandbox !== undefined) await rm(sandbox, { recursive: true, force: true });
  });

  it('signs a read key in: the principal, an HttpOnly SameSite=Strict cookie on /, and only the token hash stored', async () => {
    const before = Date.now();
    const { answer, cookie } = await signIn(harness.readKey);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ keyId: harness.readKey.doc.id, name: 'test-read', role: 'read' });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(cookie).toMatchObject({ name: 'phx_session', httpOnly: true, sameSite: 'strict', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.maxAge).toBeUndefined();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const doc = await sessionDoc(cookie.value);
    expect(doc?.keyId).toBe(harness.readKey.doc.id);
    expect(doc?.expiresAt.getTime()).toBe((doc?.createdAt.getTime() ?? 0) + SESSION_TTL_MS);
    expect(doc?.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(await harness.database.db.collection(API_SESSIONS_COLLECTION).countDocuments({ _id: cookie.value as never })).toBe(0);

    const current = await call('GET', '/session', { cookie: cookieHeader(cookie) });
    expect([current.status, current.body]).toEqual([200, answer.body]);
    const me = await graphqlWithCookie(cookie, ME);
    expect([me.status, me.body]).toEqual([200, { data: { me: { keyId: harness.readKey.doc.id, name: 'test-read', role: 'READ' } } }]);
    // The role holds through the cookie: a read session may not mutate.
    const mutation = await graphqlWithCookie(cookie, ENQUEUE, { input: { addresses: [DAVIS_ADDRESS] } });
    expect([mutation.status, firstError(mutation.body).code]).toEqual([403, 'FORBIDDEN']);
    expect(await harness.database.db.collection('extraction_jobs').countDocuments()).toBe(0);
  });

  it('signs an admin key in: me says ADMIN and the cookie may mutate', async () => {
    const { answer, cookie } = await signIn(harness.adminKey);
    expect([answer.status, answer.body]).toEqual([200, { keyId: harness.adminKey.doc.id, name: 'test-admin', role: 'admin' }]);
    const me = await graphqlWithCookie(cookie, ME);
    expect(me.body).toEqual({ data: { me: { keyId: harness.adminKey.doc.id, name: 'test-admin', role: 'ADMIN' } } });
    const enqueued = await graphqlWithCookie(cookie, ENQUEUE, { input: { addresses: [DAVIS_ADDRESS] } });
    expect(enqueued.status, JSON.stringify(enqueued.body)).toBe(200);
    expect(await harness.database.db.collection('extraction_jobs').countDocuments()).toBe(1);
  });

  it('serves /images to the cookie as an <img> asks (GET, no Origin), and 401 without it', async () => {
    const { cookie } = await signIn(harness.readKey);
    const path = `/images/${DAVIS_ID}/${image.sha}.jpg`;
    const response = await fetch(`${origin}${path}`, { headers: { cookie: cookieHeader(cookie), 'sec-fetch-site': 'same-origin' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(image.bytes)).toBe(true);

    const without = await call('GET', path);
    expect([without.status, firstError(without.body).code]).toEqual([401, 'UNAUTHENTICATED']);
    // Another site's page embedding the image is refused, though SameSite=Strict should keep the cookie home anyway.
    const crossSite = await call('GET', path, { cookie: cookieHeader(cookie), 'sec-fetch-site': 'cross-site' });
    expect([crossSite.status, firstError(crossSite.body).code]).toEqual([403, 'FORBIDDEN']);
  });

  it('runs graphql-ws operations on the cookie of the upgrade request, from the own origin and CORS_ORIGINS', async () => {
    const { cookie } = await signIn(harness.adminKey);
    for (const from of [origin, CONSOLE_ORIGIN]) {
      const sub = recordSubscription(wsClientWithCookie(cookie, from), ME, {});
      const result = await sub.waitForResult(1, 10_000);
      expect(result, from).toEqual({ data: { me: { keyId: harness.adminKey.doc.id, name: 'test-admin', role: 'ADMIN' } } });
    }
  });

  it('closes a cookie WebSocket from a foreign Origin (4403) before any operation runs', async () => {
    const { cookie } = await signIn(harness.adminKey);
    const sub = recordSubscription(wsClientWithCookie(cookie, FOREIGN_ORIGIN), ME, {});
    const error = await endOf(sub, 10_000, 'socket close');
    expect(error).toMatchObject({ code: 4403, reason: 'Origin not allowed' });
    expect(sub.results).toEqual([]);
  });

  it('refuses cookie requests from a foreign Origin or without one (403), but not Bearer ones; Bearer wins over the cookie', async () => {
    const { cookie } = await signIn(harness.adminKey);
    const foreign = await graphqlWithCookie(cookie, ENQUEUE, { input: { addresses: [DAVIS_ADDRESS] } }, FOREIGN_ORIGIN);
    expect(foreign.status).toBe(403);
    expect(firstError(foreign.body)).toEqual({
      code: 'FORBIDDEN',
      message: `Origin ${FOREIGN_ORIGIN} may not use the session cookie: it is neither this server's origin nor one of CORS_ORIGINS`,
    });
    const noOrigin = await graphqlWithCookie(cookie, ME, {}, null);
    expect([noOrigin.status, firstError(noOrigin.body).code]).toEqual([403, 'FORBIDDEN']);
    const fromConsole = await graphqlWithCookie(cookie, ME, {}, CONSOLE_ORIGIN);
    expect(fromConsole.status).toBe(200);

    const bearerForeign = await call(
      'POST',
      '/graphql',
      { 'content-type': 'application/json', origin: FOREIGN_ORIGIN, authorization: harness.readKey.authorization },
      JSON.stringify({ query: ME }),
    );
    expect(bearerForeign.body).toEqual({ data: { me: { keyId: harness.readKey.doc.id, name: 'test-read', role: 'READ' } } });
    const both = await call(
      'POST',
      '/graphql',
      { 'content-type': 'application/json', origin, cookie: cookieHeader(cookie), authorization: harness.readKey.authorization },
      JSON.stringify({ query: ME }),
    );
    expect(both.body).toEqual({ data: { me: { keyId: harness.readKey.doc.id, name: 'test-read', role: 'READ' } } });
  });

  it('closes an open graphql-ws subscription once its session is signed out (4401 Session ended)', async () => {
    const { cookie } = await signIn(harness.adminKey);
    const enqueued = await graphqlWithCookie(cookie, ENQUEUE, { input: { addresses: [DAVIS_ADDRESS] } });
    const jobId = (enqueued.body as { data: { enqueueExtraction: { id: string } } }).data.enqueueExtraction.id;
    const sub = recordSubscription(wsClientWithCookie(cookie, origin), PROGRESS, { jobId });
    expect(await sub.waitForResult(1, 10_000)).toMatchObject({ data: { jobProgress: { id: jobId, status: 'PENDING' } } });

    expect((await call('DELETE', '/session', { cookie: cookieHeader(cookie), origin })).status).toBe(204);
    expect(await endOf(sub, 10_000, 'close after sign-out')).toMatchObject({ code: 4401, reason: 'Session ended' });
  });

  it('ends the sessions of a revoked key at once', async () => {
    const key = await insertTestApiKey(harness.database.db, 'admin', 'soon-revoked');
    const { cookie } = await signIn(key);
    expect((await graphqlWithCookie(cookie, ME)).status).toBe(200);
    await revokeTestApiKey(harness.database.db, key.doc.id);

    const refused = await graphqlWithCookie(cookie, ME);
    expect(refused.status).toBe(401);
    expect(firstError(refused.body)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(String(firstError(refused.body).message)).toMatch(new RegExp(`^API key ${key.doc.id} was revoked at `));
    const current = await call('GET', '/session', { cookie: cookieHeader(cookie) });
    expect(current.status).toBe(401);
    const again = await call('POST', '/session', { 'content-type': 'application/json' }, JSON.stringify({ apiKey: key.key }));
    expect([again.status, firstError(again.body).code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it('signs out: 204, the cookie cleared, the session deleted, the cookie no longer works', async () => {
    const { cookie } = await signIn(harness.readKey);
    expect(await sessionDoc(cookie.value)).not.toBeNull();
    const out = await call('DELETE', '/session', { cookie: cookieHeader(cookie), origin });
    expect(out.status).toBe(204);
    const cleared = parseSetCookie(out.headers.getSetCookie()[0] ?? '');
    expect(cleared).toMatchObject({ name: 'phx_session', value: '', maxAge: 0, path: '/', httpOnly: true, sameSite: 'strict' });
    expect(await sessionDoc(cookie.value)).toBeNull();

    expect((await graphqlWithCookie(cookie, ME)).status).toBe(401);
    expect((await call('GET', '/session', { cookie: cookieHeader(cookie) })).status).toBe(401);
    expect((await call('GET', `/images/${DAVIS_ID}/${image.sha}.jpg`, { cookie: cookieHeader(cookie) })).status).toBe(401);
    // Signing out twice, or without a session, is no error.
    expect((await call('DELETE', '/session', { cookie: cookieHeader(cookie) })).status).toBe(204);
  });

  it('refuses an expired session though its document is still there (no TTL monitor yet)', async () => {
    const token = randomBytes(32).toString('base64url');
    const createdAt = new Date(Date.now() - 2 * SESSION_TTL_MS);
    await harness.database.db.collection<ApiSessionDocument>(API_SESSIONS_COLLECTION).insertOne({
      _id: hashSessionToken(token),
      keyId: harness.adminKey.doc.id,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + SESSION_TTL_MS),
    });
    const expired = await call('GET', '/session', { cookie: `phx_session=${token}` });
    expect([expired.status, firstError(expired.body).code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(parseSetCookie(expired.headers.getSetCookie()[0] ?? '')).toMatchObject({ name: 'phx_session', value: '', maxAge: 0 });
    const me = await call(
      'POST',
      '/graphql',
      { 'content-type': 'application/json', origin, cookie: `phx_session=${token}` },
      JSON.stringify({ query: ME }),
    );
    expect(me.status).toBe(401);
    // A sign-in sweeps the sessions that ended (what a TTL index does on MongoDB).
    await signIn(harness.readKey);
    expect(await sessionDoc(token)).toBeNull();
  });

  it('answers bad sign-in bodies 400 naming apiKey, a bad key 401, a foreign Origin 403', async () => {
    const badJson = await call('POST', '/session', { 'content-type': 'application/json' }, '{"apiKey": ');
    expect(badJson.status).toBe(400);
    expect(firstError(badJson.body)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The body is not valid JSON: send {"apiKey":"<key>"} with Content-Type: application/json',
    });
    const missing = await call('POST', '/session', { 'content-type': 'application/json' }, '{"key":"x"}');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      errors: [
        {
          message: 'apiKey is missing: send the JSON body {"apiKey":"<key>"} with Content-Type: application/json',
          extensions: {
            code: 'BAD_USER_INPUT',
            issues: [
              { path: 'apiKey', message: 'apiKey is missing: send the JSON body {"apiKey":"<key>"} with Content-Type: application/json' },
            ],
          },
        },
      ],
    });
    const notJson = await call('POST', '/session', { 'content-type': 'text/plain' }, 'apiKey=x');
    expect([notJson.status, String(firstError(notJson.body).message)]).toEqual([400, expect.stringMatching(/^apiKey is missing/)]);
    const empty = await call('POST', '/session', { 'content-type': 'application/json' }, '{"apiKey":""}');
    expect([empty.status, String(firstError(empty.body).message)]).toEqual([
      400,
      expect.stringMatching(/^apiKey must be a non-empty string/),
    ]);

    const unknown = await call('POST', '/session', { 'content-type': 'application/json' }, '{"apiKey":"phx_nobody-made-this"}');
    expect(unknown.status).toBe(401);
    expect(firstError(unknown.body)).toEqual({ code: 'UNAUTHENTICATED', message: 'The API key is not known to this server' });
    expect(unknown.headers.getSetCookie()).toEqual([]);

    const foreign = await call(
      'POST',
      '/session',
      { 'content-type': 'application/json', origin: FOREIGN_ORIGIN },
      JSON.stringify({ apiKey: harness.adminKey.key }),
    );
    expect([foreign.status, firstError(foreign.body).code]).toEqual([403, 'FORBIDDEN']);
    expect(foreign.headers.getSetCookie()).toEqual([]);
    expect((await call('GET', '/session')).status).toBe(401);
  });

  it('answers CORS for CORS_ORIGINS only, with credentials', async () => {
    const preflight = (from: string, path: string) =>
      fetch(`${origin}${path}`, {
        method: 'OPTIONS',
        headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    for (const path of ['/graphql', '/session']) {
      const allowed = await preflight(CONSOLE_ORIGIN, path);
      expect(allowed.status, path).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin'), path).toBe(CONSOLE_ORIGIN);
      expect(allowed.headers.get('access-control-allow-credentials'), path).toBe('true');
      expect(allowed.headers.get('access-control-allow-headers'), path).toBe('content-type');
      const refused = await preflight(FOREIGN_ORIGIN, path);
      expect(refused.headers.get('access-control-allow-origin'), path).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials'), path).toBeNull();
    }
    // The real request from the console's origin: signed in, and the answer readable there.
    const { answer, cookie } = await signIn(harness.readKey, CONSOLE_ORIGIN);
    expect(answer.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
    const me = await graphqlWithCookie(cookie, ME, {}, CONSOLE_ORIGIN);
    expect(me.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
    const bearerForeign = await fetch(`${origin}/metrics`, {
      headers: { origin: FOREIGN_ORIGIN, authorization: harness.adminKey.authorization },
    });
    expect(bearerForeign.status).toBe(200);
    expect(bearerForeign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('browser sessions behind an https PUBLIC_URL', () => {
  const PUBLIC_ORIGIN = 'https://photos.example.test';
  let harness: GraphqlHarness;
  let origin: string;

  beforeAll(async () => {
    harness = await openGraphqlHarness('session_https', { config: { publicUrl: `${PUBLIC_ORIGIN}/phx` } });
    origin = new URL(await harness.server.start()).origin;
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('makes the cookie Secure and takes the public origin (not the listening address) as its own', async () => {
    const signIn = (from: string) =>
      fetch(`${origin}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: from },
        body: JSON.stringify({ apiKey: harness.readKey.key }),
      });
    const answer = await signIn(PUBLIC_ORIGIN);
    expect(answer.status).toBe(200);
    const cookie = parseSetCookie(answer.headers.getSetCookie()[0] ?? '');
    expect(cookie).toMatchObject({ name: 'phx_session', secure: true, httpOnly: true, sameSite: 'strict', path: '/' });

    const me = (from: string) =>
      fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: from, cookie: `phx_session=${cookie.value ?? ''}` },
        body: JSON.stringify({ query: ME }),
      });
    expect((await me(PUBLIC_ORIGIN)).status).toBe(200);
    expect((await me(origin)).status).toBe(403);
    expect((await signIn(origin)).status).toBe(403);

    const out = await fetch(`${origin}/session`, { method: 'DELETE', headers: { cookie: `phx_session=${cookie.value ?? ''}` } });
    expect(out.status).toBe(204);
    expect(parseSetCookie(out.headers.getSetCookie()[0] ?? '')).toMatchObject({ value: '', secure: true, maxAge: 0 });
  });
});
