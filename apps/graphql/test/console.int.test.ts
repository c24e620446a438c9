import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Debian's Chromium with the flags of DESIGN.md, as the scrapers launch it.
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '@phx/scrapers';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';

const ASSET = 'app-3f9a1c.js';
/** The console's page: an inline script (must be blocked by the CSP) and its own asset (must run). */
const INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>phx console test</title>
<script>document.documentElement.dataset.inline = 'ran';</script>
<script type="module" src="/assets/${ASSET}"></script>
</head><body><p id="marker">console index</p></body></html>`;
const ASSET_JS = `document.documentElement.dataset.asset = 'ran';\n`;

/** The directives of a Content-Security-Policy header, by name. */
function cspDirectives(header: string | null): Record<string, string> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '')
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );
}

const CONTRACT_CSP = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data: blob:",
  'connect-src': "'self'",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'frame-ancestors': "'none'",
  'form-action': "'self'",
};
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the console served at / from CONSOLE_DIR, under a strict CSP', () => {
  let harness: GraphqlHarness;
  let consoleDir: string;
  let origin: string;

  beforeAll(async () => {
    consoleDir = await mkdtemp(join(tmpdir(), 'phx-console-build-'));
    await mkdir(join(consoleDir, 'assets'));
    await writeFile(join(consoleDir, 'index.html'), INDEX_HTML);
    await writeFile(join(consoleDir, 'assets', ASSET), ASSET_JS);
    await writeFile(join(consoleDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    harness = await openGraphqlHarness('console', { config: { consoleDir } });
    origin = new URL(await harness.server.start()).origin;
  });
  afterAll(async () => {
    await harness?.close();
    await rm(consoleDir, { recursive: true, force: true });
  });

  it('answers / with index.html (no-cache) and the contract CSP, nosniff, no referrer, no framing', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(cspDirectives(response.headers.get('content-security-policy'))).toEqual(CONTRACT_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toBe(INDEX_HTML);
  });

  it('serves hashed assets for a year, other files revalidated', async () => {
    const asset = await fetch(`${origin}/assets/${ASSET}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(cspDirectives(asset.headers.get('content-security-policy'))).toEqual(CONTRACT_CSP);
    expect(await asset.text()).toBe(ASSET_JS);
    const icon = await fetch(`${origin}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to index.html for client routes a browser navigates to, never for API paths or non-HTML requests', async () => {
    for (const path of ['/jobs', '/jobs/0123abc', '/properties/davis-st/gallery']) {
      const page = await fetch(`${origin}${path}`, { headers: HTML });
      expect({ path, status: page.status, cache: page.headers.get('cache-control') }).toEqual({ path, status: 200, cache: 'no-cache' });
      expect(await page.text()).toBe(INDEX_HTML);
    }
    // Not a navigation: a missing asset or a JSON client gets a 404, not the page.
    expect((await fetch(`${origin}/assets/missing-123.js`, { headers: { accept: '*/*' } })).status).toBe(404);
    expect((await fetch(`${origin}/jobs`, { headers: { accept: 'application/json' } })).status).toBe(404);
    // API paths keep their own answers (a key is needed; GraphiQL keeps its own CSP).
    for (const path of ['/graphql', '/images/x/y.jpg', '/metrics', '/agendash/', '/images/nothing']) {
      const api = await fetch(`${origin}${path}`, { headers: HTML });
      expect({ path, status: api.status }).toEqual({ path, status: 401 });
      expect(api.headers.get('content-type')).toMatch(/application\/json/);
      expect(api.headers.get('content-security-policy')).toBeNull();
    }
    const session = await fetch(`${origin}/session/unknown`, { headers: HTML });
    expect(await session.text()).not.toBe(INDEX_HTML);
    const healthz = await fetch(`${origin}/healthz`, { headers: HTML });
    expect(healthz.status).toBe(200);
    expect(healthz.headers.get('content-security-policy')).toBeNull();
    const graphiql = await fetch(`${origin}/graphiql`, { headers: HTML });
    expect(graphiql.status).toBe(200);
    expect(cspDirectives(graphiql.headers.get('content-security-policy'))['style-src']).toBe("'self' 'unsafe-inline'");
  });

  it('says the console is not built (with the build command and a link to /graphiql) when CONSOLE_DIR has no index.html', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'phx-console-empty-'));
    const unbuilt = await openGraphqlHarness('console_unbuilt', { config: { consoleDir: emptyDir } });
    try {
      const unbuiltOrigin = new URL(await unbuilt.server.start()).origin;
      for (const path of ['/', '/jobs']) {
        const page = await fetch(`${unbuiltOrigin}${path}`, { headers: HTML });
        expect(page.status).toBe(404);
        expect(page.headers.get('content-type')).toMatch(/^text\/html/);
        expect(cspDirectives(page.headers.get('content-security-policy'))).toEqual(CONTRACT_CSP);
        const body = await page.text();
        expect(body).toContain('console is not built');
        expect(body).toContain('npx nx build console');
        expect(body).toContain('href="/graphiql"');
      }
    } finally {
      await unbuilt.close();
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  describe('in real Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('blocks the inline script under the CSP while the page’s own /assets script runs', async () => {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${origin}/jobs/some-job`);
      await expect.poll(() => page.locator('html').getAttribute('data-asset')).toBe('ran');
      expect(await page.locator('#marker').innerText()).toBe('console index');
      expect(await page.locator('html').getAttribute('data-inline')).toBeNull();
      await expect.poll(() => violations.length).toBeGreaterThan(0);
      process.stdout.write(`console CSP in Chromium: ${violations[0]?.slice(0, 160)}\n`);
      expect(violations.join('\n')).toMatch(/inline script/i);
      await page.close();
    });
  });
});
