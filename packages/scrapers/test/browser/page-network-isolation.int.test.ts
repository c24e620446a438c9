import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { toPropertyId } from '@phx/core';
import type { IsolationMode } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import { replayKit } from '../support/kit.js';

/** A listing URL of a real source the probe page is replayed under. */
const PROBE_URL = 'https://www.zillow.com/homedetails/1-Probe-St-Phoenix-AZ-85001/1_zpid/';
/** How long the probes get after the page said it fired them, in ms (connections are made at once; slack for a loaded machine). */
const PROBE_SETTLE_MS = 4_000;

/** A TCP listener on loopback that counts every connection made to it (plain, TLS or WebSocket alike). */
interface Canary {
  readonly port: number;
  readonly connections: string[];
  close(): Promise<void>;
}

function listen(server: Server | HttpServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve());
  });
}

async function startCanary(): Promise<Canary> {
  const connections: string[] = [];
  const sockets = new Set<Socket>();
  // Each connection is named by what it first sent: an HTTP request line, a TLS handshake, or nothing (a pre-connect).
  const onConnection = (socket: Socket): void => {
    const at = `${socket.localAddress ?? '?'}`;
    let said = 'nothing (pre-connect)';
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => {
      said = chunk[0] === 0x16 ? 'TLS handshake' : (chunk.toString('latin1').split('\r\n', 1)[0] ?? '');
      socket.destroy();
    });
    socket.once('close', () => {
      sockets.delete(socket);
      connections.push(`${at}: ${said}`);
    });
    socket.setTimeout(1_000, () => socket.destroy());
  };
  const v4 = createServer(onConnection);
  await listen(v4, '127.0.0.1', 0);
  const port = (v4.address() as { port: number }).port;
  // The same port on ::1 too, where the machine has IPv6 loopback.
  const v6 = createServer(onConnection);
  const hasV6 = await listen(v6, '::1', port).then(
    () => true,
    () => false,
  );
  const servers = hasV6 ? [v4, v6] : [v4];
  return {
    port,
    connections,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** A listing page whose script aims every kind of connection a page can open at the canary's port. */
function probePage(port: number): string {
  const origins = ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '[::ffff:127.0.0.1]'].map((h) => `${h}:${port}`);
  const hints = origins
    .flatMap((o) =>
      ['preconnect', 'dns-prefetch', 'prefetch', 'preload'].flatMap((rel) =>
        [`http://${o}/${rel}`, `https://${o}/${rel}`].map((href) => `<link rel="${rel}" href="${href}" as="fetch" crossorigin>`),
      ),
    )
    .join('\n');
  const tags = origins
    .flatMap((o) => [
      `<img src="http://${o}/img.png">`,
      `<script src="https://${o}/s.js"></script>`,
      `<link rel="stylesheet" href="http://${o}/s.css">`,
      `<iframe src="http://${o}/frame"></iframe>`,
      `<iframe src="https://${o}/frame"></iframe>`,
      `<a href="http://${o}/link">a link</a>`,
    ])
    .join('\n');
  return `<!doctype html><html><head><title>probe</title>
${hints}
</head><body>
${tags}
<script>
const origins = ${JSON.stringify(origins)};
const quietly = (f) => { try { const p = f(); if (p && p.catch) p.catch(() => undefined); } catch {} };
for (const o of origins) {
  for (const scheme of ['http', 'https']) {
    quietly(() => fetch(scheme + '://' + o + '/fetch', { mode: 'no-cors' }));
    quietly(() => { const x = new XMLHttpRequest(); x.open('GET', scheme + '://' + o + '/xhr'); x.send(); });
    quietly(() => navigator.sendBeacon(scheme + '://' + o + '/beacon', 'x'));
    quietly(() => new EventSource(scheme + '://' + o + '/events'));
    quietly(() => { const i = new Image(); i.src = scheme + '://' + o + '/image'; });
  }
  for (const scheme of ['ws', 'wss']) quietly(() => new WebSocket(scheme + '://' + o + '/socket'));
  quietly(() => new Worker(URL.createObjectURL(new Blob(["fetch('http://" + o + "/worker').catch(() => 0); new WebSocket('ws://" + o + "/worker-socket');"]))));
}
quietly(() => {
  const pc = new RTCPeerConnection({ iceServers: [{ urls: origins.filter((o) => !o.startsWith('[') && o !== 'localhost:${port}').flatMap((o) => ['turn:' + o + '?transport=tcp', 'stun:' + o]), username: 'u', credential: 'c' }] });
  pc.createDataChannel('x');
  return pc.createOffer().then((offer) => pc.setLocalDescription(offer));
});
quietly(() => window.open('http://127.0.0.1:${port}/popup'));
window.__probesFired = true;
window.__navigateAway = () => { location.href = 'https://127.0.0.1:${port}/navigate'; };
</script></body></html>`;
}

/** Loads the probe page in a page of `pool`, lets its probes run, then lets it navigate itself to the canary. */
async function runProbes(pool: BrowserPool, url: string): Promise<void> {
  await pool.withPage(toPropertyId('1 Probe St'), async (page) => {
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    // Strings, evaluated in the page: this package is typed without the DOM library.
    await page.waitForFunction('window.__probesFired === true');
    await sleep(PROBE_SETTLE_MS);
    await page.evaluate('window.__navigateAway()').catch(() => undefined);
    await sleep(PROBE_SETTLE_MS);
  });
  // The socket of the last connection may still be closing.
  await sleep(1_500);
}

describe('a listing page cannot reach this machine (Chromium, replay, canary on loopback)', () => {
  let canary: Canary;

  beforeAll(async () => {
    canary = await startCanary();
  });
  afterAll(async () => canary.close());

  it.each(['virtual', 'context', 'browser'] as IsolationMode[])(
    'no connection of any kind from a page reaches a listener on 127.0.0.1 (%s isolation)',
    { timeout: 120_000 },
    async (isolationMode) => {
      canary.connections.length = 0;
      const body = Buffer.from(probePage(canary.port), 'utf8');
      const kit = await replayKit(isolationMode, [
        { url: PROBE_URL, response: { status: 200, contentType: 'text/html; charset=utf-8', body } },
      ]);
      try {
        // Through the pool the scrapers use: the replay routes and request blocking of a scraping context.
        await runProbes(kit.pool, PROBE_URL);
      } finally {
        await kit.close();
      }
      expect(canary.connections).toEqual([]);
    },
  );
});

describe('live mode: a page reaches the hosts of its source and nothing else (Chromium, canary on loopback)', () => {
  let canary: Canary;
  let source: HttpServer;
  const sourceRequests: string[] = [];

  beforeAll(async () => {
    canary = await startCanary();
    // The "source" site: a host name of the source's own domain, served here (Chromium resolves *.localhost to loopback).
    source = createHttpServer((request, response) => {
      sourceRequests.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(probePage(canary.port));
    });
    await listen(source, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await canary.close();
    await new Promise<void>((resolve) => source.close(() => resolve()));
  });

  it('loads the listing from the source host while every connection aimed at the canary fails', { timeout: 120_000 }, async () => {
    const port = (source.address() as { port: number }).port;
    const pool = new BrowserPool({ firstPartyHosts: ['phx-probe.localhost'] });
    try {
      await runProbes(pool, `http://www.phx-probe.localhost:${port}/homedetails/1_zpid/`);
    } finally {
      await pool.close();
    }
    expect(sourceRequests).toContain('/homedetails/1_zpid/');
    expect(canary.connections).toEqual([]);
  });
});
