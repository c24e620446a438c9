import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecordCommand } from '../../src/cli/index.js';
import { NavigationError } from '../../src/errors/index.js';
import { createScraperKit } from '../../src/kit/index.js';
import { readListing } from '../support/fixtures.js';
import { property } from '../support/kit.js';

const AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const OTHER_URL = 'https://www.zillow.com/homedetails/1-Unrecorded-St-Austin-TX-78758/1_zpid/';

let dir: string;
let server: Server;
let port: number;
const served: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'phx-har-'));
  // A local HTTPS server stands in for www.zillow.com; Chromium is pointed at it with --host-resolver-rules.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=www.zillow.com',
      '-addext',
      'subjectAltName=DNS:www.zillow.com',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const page = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html');
  server = createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
    served.push(req.url ?? '');
    if (req.url === new URL(AUSTIN_URL).pathname) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  if (server.listening) await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('record a live session into a HAR, replay it offline', () => {
  it('phx-record loads the listing from the (stand-in) site and writes the HAR; the kit then replays it with the site gone', async () => {
    const harPath = path.join(dir, 'austin.har');
    let report = '';
    const code = await runRecordCommand(
      [
        '--har',
        harPath,
        `--chromium-arg=--host-resolver-rules=MAP www.zillow.com 127.0.0.1:${port}, MAP * ~NOTFOUND`,
        '--chromium-arg=--ignore-certificate-errors',
        AUSTIN_URL,
      ],
      { write: (text: string) => (report += text) },
    );
    expect(report).toContain(`zillow ${AUSTIN_URL}: 38 photos`);
    expect(code).toBe(0);
    expect(served).toContain(new URL(AUSTIN_URL).pathname);
    const har = JSON.parse(readFileSync(harPath, 'utf8')) as {
      log: { entries: { request: { url: string }; response: { status: number } }[] };
    };
    expect(har.log.entries.find((e) => e.request.url === AUSTIN_URL)?.response.status).toBe(200);

    await new Promise((resolve) => server.close(resolve)); // the site is gone: only the HAR answers now
    const kit = await createScraperKit({ mode: { kind: 'har', harPath }, politeness: { maxRetries: 0 } });
    try {
      const listing = await kit.scrapers.zillow.listPhotos({ property: property('austin'), listingUrl: AUSTIN_URL });
      expect([listing.listingUrl, listing.photos.length]).toEqual([AUSTIN_URL, 38]);
      const miss = await kit.scrapers.zillow.listPhotos({ property: property('other'), listingUrl: OTHER_URL }).catch((e: unknown) => e);
      expect(miss).toBeInstanceOf(NavigationError);
    } finally {
      await kit.close();
    }
  });

  it('explains its usage', async () => {
    let report = '';
    expect(await runRecordCommand([], { write: (text: string) => (report += text) })).toBe(2);
    expect(report).toMatch(/Usage: phx-record --har/);
  });
});
