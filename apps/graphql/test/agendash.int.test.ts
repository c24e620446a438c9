import { EXTRACT_IMAGES_JOB } from '@phx/jobs';
// Debian's Chromium with the flags of DESIGN.md, as the scrapers launch it.
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '@phx/scrapers';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlServer } from '../src/server.js';
import { openGraphqlHarness, TEST_SERVER_CONFIG, type GraphqlHarness } from './support/graphql-services-harness.js';
import { DAVIS_ADDRESS } from './support/sample-properties.js';
import { noopLogger } from '@phx/core';

/** The part of Agendash's `GET /agendash/api` answer the test reads. */
interface AgendashJobs {
  readonly total: number;
  readonly overview: readonly { readonly displayName: string; readonly total: number }[];
  readonly jobs: readonly { readonly job: { readonly name: string; readonly data?: { readonly jobId?: string } } }[];
}

describe('Agendash at /agendash: the queue dashboard for admin keys', () => {
  let harness: GraphqlHarness;
  let origin: string;

  beforeAll(async () => {
    harness = await openGraphqlHarness('agendash');
    origin = new URL(await harness.server.start()).origin;
  });
  afterAll(async () => {
    await harness?.close();
  });

  const get = (path: string, authorization: string | null) =>
    fetch(`${origin}${path}`, { headers: authorization === null ? {} : { authorization }, redirect: 'manual' });

  it('shows an admin its page with its own CSP (not the console’s), and its JSON API lists our queue’s jobs', async () => {
    const job = await harness.jobService.enqueueExtraction({ properties: await harness.catalog.select({ addresses: [DAVIS_ADDRESS] }) });
    const page = await get('/agendash/', harness.adminKey.authorization);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>Agendash</title>');
    // Agendash's policy: its Vue build needs inline styles, which the console's policy forbids.
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('frame-ancestors');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await get(`/agendash/${script}`, harness.adminKey.authorization)).status).toBe(200);

    // Without the slash the page's relative asset URLs would miss: Agendash redirects to it.
    const bare = await get('/agendash', harness.adminKey.authorization);
    expect({ status: bare.status, location: bare.headers.get('location') }).toEqual({ status: 301, location: '/agendash/' });

    const api = await get('/agendash/api?limit=20', harness.adminKey.authorization);
    expect(api.status).toBe(200);
    const listed = (await api.json()) as AgendashJobs;
    process.stdout.write(`Agendash lists ${listed.total} job(s): ${listed.jobs.map((j) => j.job.name).join(', ')}\n`);
    expect(listed.jobs.map((j) => ({ name: j.job.name, jobId: j.job.data?.jobId }))).toContainEqual({
      name: EXTRACT_IMAGES_JOB,
      jobId: job.id,
    });
    expect(listed.overview.find((o) => o.displayName === EXTRACT_IMAGES_JOB)?.total).toBe(1);
  });

  it('renders in real Chromium under its own CSP and lists the queued job (the key sent as a header)', async () => {
    const browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
    try {
      const context = await browser.newContext({ extraHTTPHeaders: { authorization: harness.adminKey.authorization } });
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${origin}/agendash/`);
      await expect.poll(() => page.getByText(EXTRACT_IMAGES_JOB).count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('refuses a read key (403 FORBIDDEN) and a request without a key (401), for the page and the API alike', async () => {
    for (const path of ['/agendash/', '/agendash/api', '/agendash']) {
      const read = await get(path, harness.readKey.authorization);
      expect({ path, status: read.status }).toEqual({ path, status: 403 });
      const body = (await read.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('FORBIDDEN');
      expect(body.errors[0]?.message).toContain('"admin"');
      const anonymous = await get(path, null);
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
    }
    const write = await fetch(`${origin}/agendash/api/jobs/delete`, {
      method: 'POST',
      headers: { authorization: harness.readKey.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ jobIds: [] }),
    });
    expect(write.status).toBe(403);
  });

  it('answers 404 naming why when the server has no Agenda queue', async () => {
    const { agenda: _agenda, ...withoutQueue } = harness.serverOptions;
    const server = createGraphqlServer({ config: TEST_SERVER_CONFIG, logger: noopLogger, ...withoutQueue });
    try {
      const bare = new URL(await server.start()).origin;
      const answer = await fetch(`${bare}/agendash/`, { headers: { authorization: harness.adminKey.authorization } });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toEqual({
        errors: [
          {
            message: 'Agendash is not available: this server was started without an Agenda queue (option agenda)',
            extensions: { code: 'NOT_FOUND' },
          },
        ],
      });
    } finally {
      await server.stop();
    }
  });
});
