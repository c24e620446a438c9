import { afterAll, beforeAll, expect, it } from 'vitest';
import { NavigationError } from '../../src/errors/index.js';
import { HttpPageClient } from '../../src/http/index.js';
import { ProxyConfiguration, SessionPool } from '../../src/sessions/index.js';
import { startSilentProxy } from '../support/proxy-scene.js';
import type { SilentProxy } from '../support/proxy-scene.js';

let silent: SilentProxy;
let sessions: SessionPool;

beforeAll(async () => {
  silent = await startSilentProxy();
  // The pool's own proxy time limit is long: the page client's time limit must end the wait by itself.
  sessions = new SessionPool({
    source: 'zillow',
    proxyConfiguration: new ProxyConfiguration({ proxyUrls: [silent.url] }),
    proxyTimeoutMs: 300_000,
  });
});

afterAll(async () => {
  await sessions?.close();
  await silent?.close();
});

it('gives up a page behind a proxy that never answers its tunnel within the client’s time limit', async () => {
  const session = sessions.sessionFor('p1');
  if (session === null) throw new Error('no session');
  const client = new HttpPageClient({ timeoutMs: 1_500 });
  const error = await client
    .get({ url: 'https://www.zillow.com/homedetails/1-Silent-St/1_zpid/', source: 'zillow', kind: 'page', session })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NavigationError);
  expect((error as NavigationError).timedOut).toBe(true);
  expect(String(error)).toMatch(/no whole answer within 1500 ms/);
  expect(silent.connections()).toBe(1);
});
