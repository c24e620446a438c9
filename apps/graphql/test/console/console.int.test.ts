import { createHash } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RUN_SCHEDULE_JOB } from '@phx/jobs';
import { postGraphql } from '../support/http-graphql.js';
import {
  actionButtons,
  checkPage,
  expectAccessible,
  newConsoleContext,
  screenshot,
  SCREEN_WAIT_MS,
  signIn,
} from './support/console-page.js';
import { startConsoleStack, type ConsoleStack } from './support/console-stack.js';
import { readZipDigests } from './support/zip-entries.js';

/** How long the replayed extraction of the test's three properties may take. */
const EXTRACTION_TIMEOUT_MS = 180_000;
/** Two sample properties (tools/data/sample-properties.csv): a Zillow one whose saved page gives the 5 photos it declares, a Redfin one that shows 7 of 11. */
const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';
const NEW_YORK = '111 4th Ave Unit 3I, New York, NY 10003';
/** A Zillow listing no saved page answers: replay reports it gone (LISTING_REMOVED), its property fails. */
const MISSING_LISTING_URL = 'https://www.zillow.com/homedetails/4321-N-Nowhere-Ln-Phoenix-AZ-85001/987654321_zpid/';
/** A schedule that does not tick during the test (3:00 on 1 January). */
const SCHEDULE_NAME = 'console e2e nightly';
const SCHEDULE_CRON = '0 3 1 1 *';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PHOTOS = `query($propertyId: ID!) { photos(propertyId: $propertyId) { sha256 byteLength fileName } }`;
const FAILED_PROPERTIES = `query($id: ID!) { job(id: $id) { status failedProperties totalProperties
  properties(status: FAILED) { edges { node { property { id address } outcome { failures { code message url } } } } } } }`;

interface PhotoRecord {
  readonly sha256: string;
  readonly byteLength: number;
  readonly fileName: string;
}
interface FailedJobView {
  readonly status: string;
  readonly failedProperties: number;
  readonly totalProperties: number;
  readonly properties: {
    readonly edges: readonly {
      readonly node: {
        readonly property: { readonly id: string; readonly address: string };
        readonly outcome: { readonly failures: readonly { code: string; message: string; url: string | null }[] } | null;
      };
    }[];
  };
}

/** A `<progress>` as read from the page. */
interface ProgressReading {
  readonly value: number;
  readonly max: number;
}
/** What the test reads of an `<img>` in the page (the tests compile without the DOM library). */
interface ImageInPage {
  readonly tagName: string;
  readonly currentSrc: string;
  readonly naturalWidth: number;
  querySelector(selector: string): ImageInPage | null;
}

describe('the console in Debian Chromium against a real server, worker and FerretDB', () => {
  let stack: ConsoleStack;
  let admin: BrowserContext;
  let page: Page;
  /** Set by the extraction test, read by the later ones. */
  let jobId = '';
  let missingAddress = '';
  let chicagoId = '';

  /** Why the stack did not come up (e.g. the console is not built): every test fails with it, none is skipped. */
  let startError: unknown;

  beforeAll(async () => {
    try {
      stack = await startConsoleStack();
      admin = await newConsoleContext(stack.browser);
      page = await admin.newPage();
      page.on('console', (message) => pageLog.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => pageLog.push(`pageerror: ${error.message}`));
      await signIn(page, stack.origin, stack.adminKey);
    } catch (error) {
      startError = error;
    }
  }, 240_000);

  beforeEach(() => {
    if (startError !== undefined) throw startError;
  });

  // A failed test leaves the page as it was, and what the page logged, for the reader of the failure.
  const pageLog: string[] = [];
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page !== undefined) {
      await screenshot(page, `failed-${context.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
      process.stdout.write(`page ${page.url()} logged:\n  ${pageLog.slice(-20).join('\n  ')}\n`);
    }
    pageLog.length = 0;
  });

  afterAll(async () => {
    await admin?.close();
    await stack?.close();
  }, 120_000);

  /** Calls the API as the test (not the page): with the admin key's Authorization header. */
  const api = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const { status, body } = await postGraphql<T>(stack.graphqlUrl, query, variables, stack.adminKey.authorization);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(status).toBe(200);
    if (body.data === undefined || body.data === null) throw new Error(`no data for ${query}`);
    return body.data;
  };

  /** The job page's progress bar, as numbers. */
  const readProgress = (): Promise<ProgressReading> =>
    page
      .getByTestId('job-progress')
      .evaluate((element) => {
        const bar = element as unknown as ProgressReading;
        return { value: bar.value, max: bar.max };
      })
      .catch(() => ({ value: Number.NaN, max: Number.NaN }));

  it(
    'adds a property, selects it and two sample properties, extracts them from the properties page and watches the progress bar reach 100 % live',
    async () => {
      await page.goto(`${stack.origin}/properties`);
      await expect.poll(() => page.getByTestId('property-row').count(), { timeout: SCREEN_WAIT_MS }).toBe(9);
      await checkPage(page, 'properties');

      // Add a property by a listing URL that no saved page answers: it will fail.
      await page.getByLabel('Address or listing URL').fill(MISSING_LISTING_URL);
      await page.getByTestId('add-property').click();
      const added = page.getByRole('status').filter({ hasText: 'Added' }).getByRole('link');
      await added.waitFor();
      missingAddress = (await added.innerText()).trim();
      expect(missingAddress).toMatch(/4321 N Nowhere Ln/i);
      await expect.poll(() => page.getByTestId('property-row').count(), { timeout: SCREEN_WAIT_MS }).toBe(10);

      for (const address of [CHICAGO, NEW_YORK, missingAddress]) await page.getByRole('checkbox', { name: `Select ${address}` }).check();
      await page.getByTestId('extract-selected').click();
      await page.waitForURL(new RegExp(`/jobs/${UUID}$`));
      jobId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
      // A marker a full page load would wipe: the bar must move without one (graphql-ws, not reloads).
      await page.evaluate(() => Object.assign(globalThis, { phxSamePage: true }));

      const readings: ProgressReading[] = [];
      let runningShot = false;
      await expect
        .poll(
          async () => {
            const reading = await readProgress();
            if (!Number.isNaN(reading.value)) readings.push(reading);
            if (!runningShot && reading.value > 0 && reading.value < reading.max) {
              runningShot = true;
              await screenshot(page, 'job-running');
            }
            return reading.max > 0 && reading.value === reading.max;
          },
          { timeout: EXTRACTION_TIMEOUT_MS, interval: 100 },
        )
        .toBe(true);
      expect(await page.evaluate(() => (globalThis as { phxSamePage?: boolean }).phxSamePage)).toBe(true);
      expect(readings.at(-1)).toEqual({ value: 3, max: 3 });
      expect(readings[0]?.value, 'the page showed the job before it ended').toBeLessThan(3);
      for (const [i, r] of readings.entries()) expect(r.value).toBeGreaterThanOrEqual(readings[i - 1]?.value ?? 0);
      await expect.poll(() => page.getByTestId('job-progress').locator('xpath=..').innerText()).toContain('3 / 3 (100%)');
      if (!runningShot) await screenshot(page, 'job-running');
    },
    EXTRACTION_TIMEOUT_MS + 60_000,
  );

  it("opens the job and shows the failed property's reason as stored", async () => {
    expect(jobId, 'the extraction test made the job').not.toBe('');
    const job = (await api<{ job: FailedJobView }>(FAILED_PROPERTIES, { id: jobId })).job;
    expect(job).toMatchObject({ status: 'COMPLETED', failedProperties: 1, totalProperties: 3 });
    const failed = job.properties.edges[0]?.node;
    expect(failed?.property.address).toBe(missingAddress);
    const failures = failed?.outcome?.failures ?? [];
    // Replay has no saved page for the URL: the listing counts as gone.
    expect(failures.map((f) => [f.code, f.url])).toContainEqual(['LISTING_REMOVED', MISSING_LISTING_URL]);

    await page.goto(`${stack.origin}/jobs/${jobId}`);
    const row = page.getByTestId('job-property').filter({ hasText: missingAddress });
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('FAILED');
    const reasons = await row.getByTestId('failure-reason').allInnerTexts();
    expect(reasons.map((r) => r.trim())).toEqual(failures.map((f) => f.message));
    expect(reasons[0]).toContain(MISSING_LISTING_URL);
    await checkPage(page, 'job-detail');

    await page.goto(`${stack.origin}/jobs`);
    const jobRow = page.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
    await jobRow.waitFor();
    expect(await jobRow.getAttribute('data-status')).toBe('COMPLETED');
    await checkPage(page, 'jobs');
  });

  it('opens a gallery: a thumbnail per stored record in gallery order, the lightbox, and a zip whose entries hash to the records', async () => {
    await page.goto(`${stack.origin}/properties`);
    const link = page.getByTestId('property-row').getByRole('link', { name: CHICAGO });
    chicagoId = decodeURIComponent((await link.getAttribute('href'))?.split('/').at(-1) ?? '');
    const records = (await api<{ photos: PhotoRecord[] }>(PHOTOS, { propertyId: chicagoId })).photos;
    expect(records.length, 'the 5 photos of the saved Zillow page').toBe(5);
    await link.click();
    await page.waitForURL(`**/properties/${encodeURIComponent(chicagoId)}`);

    const thumbnails = page.getByTestId('thumbnail');
    await expect.poll(() => thumbnails.count(), { timeout: SCREEN_WAIT_MS }).toBe(records.length);
    // Every thumbnail loaded (the session cookie reaches /images in <img>), in gallery order (the photos query's order).
    const shownThumbnails = (): Promise<{ src: string; width: number }[]> =>
      thumbnails.evaluateAll((elements) =>
        elements.map((element) => {
          const el = element as unknown as ImageInPage;
          const img = el.tagName === 'IMG' ? el : el.querySelector('img');
          return { src: img?.currentSrc ?? '', width: img?.naturalWidth ?? 0 };
        }),
      );
    // They load lazily: bring each into view as a person scrolling would.
    for (const thumbnail of await thumbnails.all()) await thumbnail.scrollIntoViewIfNeeded();
    await expect.poll(async () => (await shownThumbnails()).every((t) => t.width > 0), { timeout: SCREEN_WAIT_MS }).toBe(true);
    const shown = await shownThumbnails();
    expect(shown.map((t) => records.findIndex((r) => t.src.includes(r.sha256)))).toEqual(records.map((_, i) => i));
    await checkPage(page, 'gallery');

    await thumbnails.first().click();
    const lightbox = page.getByTestId('lightbox');
    await lightbox.waitFor({ state: 'visible' });
    await expect.poll(() => lightbox.innerText()).toContain(`1 / ${records.length}`);
    // The slide: the first photo's web copy, loaded (the session cookie again).
    const slides = (): Promise<{ src: string; width: number }[]> =>
      page
        .locator('img:not([data-testid="thumbnail"])')
        .evaluateAll((imgs) =>
          imgs.map((img) => ({ src: (img as unknown as ImageInPage).currentSrc, width: (img as unknown as ImageInPage).naturalWidth })),
        );
    const first = records[0];
    await expect
      .poll(async () => (await slides()).some((i) => i.width > 0 && i.src.includes(`${first?.sha256}.web.`)), { timeout: SCREEN_WAIT_MS })
      .toBe(true);
    // Its original, through the link the lightbox gives, with the page's cookie: the stored bytes.
    const original = await lightbox.getByRole('link', { name: 'Open the original' }).getAttribute('href');
    expect(original).toMatch(new RegExp(`/${first?.fileName}$`));
    const fetched = await admin.request.get(new URL(original ?? '', stack.origin).href);
    expect(fetched.status()).toBe(200);
    expect(
      createHash('sha256')
        .update(await fetched.body())
        .digest('hex'),
    ).toBe(first?.sha256);
    await screenshot(page, 'gallery-lightbox');
    await expectAccessible(page, 'gallery-lightbox');
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('zip-download').click()]);
    expect(download.suggestedFilename()).toBe(`${chicagoId}-photos.zip`);
    const entries = await readZipDigests(await download.path());
    expect(entries.map((e) => e.sha256)).toEqual(records.map((r) => r.sha256));
    expect(entries.map((e) => e.byteLength)).toEqual(records.map((r) => r.byteLength));
    for (const [i, entry] of entries.entries()) {
      const record = records[i];
      expect(entry.fileName).toBe(
        `${String(i + 1).padStart(3, '0')}-${record?.sha256}${record?.fileName.slice(record.fileName.indexOf('.'))}`,
      );
    }
  });

  it('creates a schedule and pauses it: the list shows it paused', async () => {
    await page.goto(`${stack.origin}/schedules`);
    await page.getByLabel('Name', { exact: true }).fill(SCHEDULE_NAME);
    await page.getByLabel(/^Cron/).fill(SCHEDULE_CRON);
    await page.getByTestId('create-schedule').click();
    const card = page.locator(`[data-testid="schedule"][data-schedule-name="${SCHEDULE_NAME}"]`);
    await card.waitFor();
    expect(await card.getAttribute('data-paused')).toBe('false');
    await checkPage(page, 'schedules');
    await card.getByTestId('pause-schedule').click();
    await card.getByTestId('resume-schedule').waitFor();
    expect(await card.getAttribute('data-paused')).toBe('true');
    expect(await card.innerText()).toMatch(/\bpaused\b/);
    const stored = await api<{ schedules: { name: string; cron: string; timeZone: string; paused: boolean }[] }>(
      `{ schedules { name cron timeZone paused } }`,
      {},
    );
    expect(stored.schedules).toEqual([{ name: SCHEDULE_NAME, cron: SCHEDULE_CRON, timeZone: 'America/Phoenix', paused: true }]);
    await checkPage(page, 'schedules-paused');
  });

  it('lists the running worker as alive', async () => {
    await page.goto(`${stack.origin}/workers`);
    const row = page.getByTestId('worker-row').filter({ hasText: `pid ${stack.worker.child.pid}` });
    await row.waitFor();
    expect(await row.getAttribute('data-alive')).toBe('true');
    expect(await row.innerText()).toMatch(/\balive\b/);
    await checkPage(page, 'workers');
  });

  it("resumes the schedule, follows the console's link to Agendash as admin (its list shows the schedule's queue job); a read key gets 403", async () => {
    await page.goto(`${stack.origin}/schedules`);
    const card = page.locator(`[data-testid="schedule"][data-schedule-name="${SCHEDULE_NAME}"]`);
    await card.getByTestId('resume-schedule').click();
    await card.getByTestId('pause-schedule').waitFor();
    expect(await card.getAttribute('data-paused')).toBe('false');

    // Completed extractions leave the queue (removeOnComplete): what Agendash lists now is the active schedule's job.
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/agendash/'),
      page.getByRole('link', { name: /agendash/i }).click(),
    ]);
    expect(response.status()).toBe(200);
    expect(await page.title()).toMatch(/agendash/i);
    try {
      await page.getByText(RUN_SCHEDULE_JOB).first().waitFor();
    } finally {
      await screenshot(page, 'agendash');
    }

    const reader = await newConsoleContext(stack.browser);
    try {
      const readerPage = await reader.newPage();
      await signIn(readerPage, stack.origin, stack.readKey);
      const response = await readerPage.goto(`${stack.origin}/agendash/`);
      expect(response?.status()).toBe(403);
    } finally {
      await reader.close();
    }
  });

  it('a read key sees every page and no action button; an admin key sees them; signing out returns to the sign-in form', async () => {
    expect(chicagoId, 'the gallery test found the property').not.toBe('');
    /** Every page, with something that shows it is loaded. */
    const pages: readonly (readonly [string, (p: Page) => Promise<void>])[] = [
      ['/jobs', (p) => p.locator(`[data-testid="job-row"][data-job-id="${jobId}"]`).waitFor()],
      [`/jobs/${jobId}`, (p) => p.getByTestId('job-property').first().waitFor()],
      ['/properties', (p) => p.getByTestId('property-row').first().waitFor()],
      [`/properties/${encodeURIComponent(chicagoId)}`, (p) => p.getByTestId('thumbnail').first().waitFor()],
      ['/schedules', (p) => p.getByTestId('schedule').first().waitFor()],
      ['/workers', (p) => p.getByTestId('worker-row').first().waitFor()],
    ];
    const reader = await newConsoleContext(stack.browser);
    try {
      const readerPage = await reader.newPage();
      await signIn(readerPage, stack.origin, stack.readKey);
      for (const [path, shown] of pages) {
        await readerPage.goto(`${stack.origin}${path}`);
        await shown(readerPage);
        expect(await actionButtons(readerPage), `action buttons a read key sees on ${path}`).toEqual({});
        expect(await readerPage.getByRole('link', { name: /agendash/i }).count(), path).toBe(0);
      }
      await screenshot(readerPage, 'read-key-workers');
      await readerPage.getByRole('button', { name: 'Sign out' }).click();
      await readerPage.getByLabel('API key').waitFor();
      await checkPage(readerPage, 'sign-in');
      await readerPage.goto(`${stack.origin}/jobs`);
      await readerPage.getByLabel('API key').waitFor();
    } finally {
      await reader.close();
    }

    /** What an admin sees where: the retry of the job with a failed property, the active schedule's pause and remove. */
    const expected: Record<string, readonly string[]> = {
      '/jobs': [],
      [`/jobs/${jobId}`]: ['retry-job'],
      '/properties': ['extract-selected', 'add-property', 'import-csv'],
      [`/properties/${encodeURIComponent(chicagoId)}`]: [],
      '/schedules': ['create-schedule', 'pause-schedule', 'remove-schedule'],
      '/workers': [],
    };
    for (const [path, shown] of pages) {
      await page.goto(`${stack.origin}${path}`);
      await shown(page);
      expect(Object.keys(await actionButtons(page)).sort(), `action buttons an admin key sees on ${path}`).toEqual(
        [...(expected[path] ?? [])].sort(),
      );
    }
    expect(await page.getByRole('link', { name: /agendash/i }).count()).toBe(1);
  });
});
