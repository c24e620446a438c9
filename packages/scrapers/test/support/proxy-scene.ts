import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { Server as ProxyServer } from 'proxy-chain';
import { generate } from 'selfsigned';
import { request } from 'undici';
import type { Session } from '../../src/sessions/index.js';
import { readOwnFixture } from './fixtures.js';

/** The site every test reaches through its proxies (never resolved by DNS: each proxy tunnels it to a local server). */
export const SITE = 'https://www.zillow.com';

/** A certificate for www.zillow.com, made for the run; `cert` is its own CA. */
export interface SiteCertificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * Makes a self-signed certificate for www.zillow.com.
 *
 * @returns key and certificate in PEM
 */
export async function makeSiteCertificate(): Promise<SiteCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'www.zillow.com' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'www.zillow.com' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

/** How a stand-in site answers its listing page. */
export type SiteBehaviour = 'listing' | 'wall';

/** A stand-in for www.zillow.com behind one proxy: an HTTPS server that logs every request it gets. */
export interface StandInSite {
  readonly server: HttpsServer;
  /** `GET /path cookie=<Cookie header>` of every request, in order. */
  readonly requests: string[];
}

/**
 * Starts a stand-in site, not listening on any port: it only serves
 * connections a proxy hands it (proxy-chain's `customConnectServer`).
 * Routes: `/listing` (a listing page, or the PerimeterX wall of
 * `test/fixtures/zillow-px-captcha-403.html` with 403), `/cookie/<name>/<value>`
 * (sets that cookie), `/echo` (answers the request's Cookie header).
 *
 * @param certificate - the site's certificate
 * @param behaviour - how `/listing` answers, and `/homedetails/…` when `detailPage` is given
 * @param detailPage - HTML a `/homedetails/…` path answers (a saved listing page), for scrapers behind the proxy
 * @returns the site
 */
export function startStandInSite(certificate: SiteCertificate, behaviour: SiteBehaviour, detailPage?: string): StandInSite {
  const requests: string[] = [];
  const wall = readOwnFixture('zillow-px-captcha-403.html');
  const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(`${req.method ?? '?'} ${path} cookie=${req.headers.cookie ?? ''}`);
    const cookie = /^\/cookie\/([\w-]+)\/([\w-]+)$/.exec(path);
    if (cookie !== null) {
      res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': `${cookie[1]}=${cookie[2]}; Path=/; Secure` }).end('set');
    } else if (path === '/echo') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`cookie=${req.headers.cookie ?? ''}`);
    } else if (detailPage !== undefined && path.startsWith('/homedetails/')) {
      const walled = behaviour === 'wall';
      res.writeHead(walled ? 403 : 200, { 'content-type': 'text/html; charset=utf-8' }).end(walled ? wall : detailPage);
    } else if (path.startsWith('/listing') && behaviour === 'wall') {
      res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }).end(wall);
    } else if (path.startsWith('/listing')) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<html><head><title>the listing</title></head><body>listing</body></html>');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  return { server, requests };
}

/** A forward proxy on 127.0.0.1 (proxy-chain) that tunnels www.zillow.com to its stand-in site and logs each request. */
export interface LoopbackProxy {
  /** The proxy's URL, with credentials when it takes them. */
  readonly url: string;
  /** The proxy's URL without credentials, as `Session.proxyUrl` gives it. */
  readonly plainUrl: string;
  /** `CONNECT host:port` or `GET url` of every request it accepted, in order. */
  readonly log: string[];
  readonly site: StandInSite;
  close(): Promise<void>;
}

/**
 * Starts a proxy-chain server on 127.0.0.1 whose tunnels to any host end at
 * `site` (plain-HTTP requests are refused with 403: the tests only tunnel).
 *
 * @param site - where its tunnels go
 * @param credentials - user and password it requires (407 otherwise), or none
 * @returns the running proxy
 */
export async function startLoopbackProxy(site: StandInSite, credentials?: { user: string; password: string }): Promise<LoopbackProxy> {
  const log: string[] = [];
  const proxy = new ProxyServer({
    port: 0,
    host: '127.0.0.1',
    prepareRequestFunction: ({ hostname, port, isHttp, username, password }) => {
      if (credentials !== undefined && (username !== credentials.user || password !== credentials.password)) {
        log.push(`refused ${hostname}:${port} (407)`);
        return { requestAuthentication: true };
      }
      log.push(isHttp ? `GET ${hostname}:${port}` : `CONNECT ${hostname}:${port}`);
      if (isHttp) return { failMsg: 'plain HTTP is not served by this test proxy' };
      return { customConnectServer: site.server };
    },
  });
  await proxy.listen();
  const plainUrl = `http://127.0.0.1:${proxy.port}`;
  const url = credentials === undefined ? plainUrl : `http://${credentials.user}:${credentials.password}@127.0.0.1:${proxy.port}`;
  return { url, plainUrl, log, site, close: () => proxy.close(true) };
}

/**
 * A port on 127.0.0.1 where nothing listens (connections are refused).
 *
 * @returns the port
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A "proxy" on 127.0.0.1 that accepts connections and never answers. */
export interface SilentProxy {
  readonly url: string;
  /** Connections it accepted. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/**
 * Starts a TCP server that accepts and stays silent, as a hung proxy does.
 *
 * @returns the running server
 */
export async function startSilentProxy(): Promise<SilentProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: NetServer = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a session's plain HTTP request got. */
export interface PlainAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * GETs `path` of the site with the session's dispatcher and cookie jar, as
 * the HTTP page client does: the jar's cookies are sent, `Set-Cookie` is
 * stored back into the jar.
 *
 * @param session - the session
 * @param path - e.g. `/echo`
 * @param signal - aborts the request
 * @returns status and body
 */
export async function getWithSession(session: Session, path: string, signal?: AbortSignal): Promise<PlainAnswer> {
  const url = `${SITE}${path}`;
  const cookie = await session.cookieJar.getCookieString(url);
  const answer = await request(url, {
    dispatcher: session.dispatcher,
    headers: cookie === '' ? {} : { cookie },
    ...(signal === undefined ? {} : { signal }),
  });
  const setCookie = answer.headers['set-cookie'];
  for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
    await session.cookieJar.setCookie(line, url);
  }
  return { status: answer.statusCode, body: await answer.body.text() };
}
