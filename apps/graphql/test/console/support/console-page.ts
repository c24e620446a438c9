import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ConsoleKey } from './console-stack.js';

/** Git-ignored folder of the console's screenshots (`apps/graphql/test-output/console/`), kept as test artifacts. */
export const SCREENSHOTS_DIR = fileURLToPath(new URL('../../../test-output/console/', import.meta.url));
/** How long the tests wait for something the page shows, in ms. */
export const SCREEN_WAIT_MS = 20_000;
/** The axe impacts that fail a page. */
const FAILING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical']);
/** What the screenshot helper reads of the page's `document` (the tests compile without the DOM library). */
interface AnimatedDocument {
  getAnimations(): { readonly playState: string }[];
}
/** The data-testids of every button that changes something: only admin keys see them. */
export const ACTION_TEST_IDS = Object.freeze([
  'cancel-job',
  'retry-job',
  'extract-selected',
  'add-property',
  'import-csv',
  'create-schedule',
  'pause-schedule',
  'resume-schedule',
  'remove-schedule',
] as const);

/**
 * A browser context of its own (own cookie jar: one session) on the console's
 * origin, 1400×900, downloads allowed.
 *
 * @param browser - the stack's Chromium
 * @returns the context; close it after the test
 */
export async function newConsoleContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(SCREEN_WAIT_MS);
  return context;
}

/**
 * Signs in through the console's sign-in form as a person does: opens `/`
 * (the console sends a signed-out visitor to `/sign-in`), types the key
 * into "API key", presses "Sign in" and waits for the header naming the key.
 *
 * @param page - a page of a fresh context
 * @param origin - the console's origin
 * @param key - the key to sign in with
 * @throws an assertion error when the header does not name the key within {@link SCREEN_WAIT_MS}
 */
export async function signIn(page: Page, origin: string, key: ConsoleKey): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByLabel('API key').fill(key.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${key.name}`).waitFor();
}

/**
 * Saves a full-page screenshot as `apps/graphql/test-output/console/<name>.png`
 * and prints its path.
 *
 * @param page - the page
 * @param name - file name without `.png`, e.g. `gallery`
 * @returns the absolute path of the PNG
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  // CSS transitions (a lightbox fading in) end first, so the picture shows the page as it stays.
  await page
    .waitForFunction(
      () => (globalThis as unknown as { document: AnimatedDocument }).document.getAnimations().every((a) => a.playState !== 'running'),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  process.stdout.write(`console screenshot: ${path}\n`);
  return path;
}

/**
 * Runs axe (`@axe-core/playwright`, every rule axe enables by default) on the
 * page as it is now and fails on any violation of impact `serious` or
 * `critical`, printing each one (rule, impact, help, the nodes' selectors).
 *
 * @param page - the page, fully shown
 * @param name - the page's name, for the message
 * @throws an assertion error listing the serious and critical violations
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const failing = results.violations
    .filter((v) => v.impact !== undefined && v.impact !== null && FAILING_IMPACTS.has(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl}) at ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  if (failing.length > 0) process.stdout.write(`axe on ${name} (${page.url()}):\n  ${failing.join('\n  ')}\n`);
  expect(failing, `axe violations of impact serious or critical on ${name}`).toEqual([]);
}

/**
 * Counts the action buttons (see {@link ACTION_TEST_IDS}) the page shows now.
 *
 * @param page - the page
 * @returns testid -> count, only the ones present
 */
export async function actionButtons(page: Page): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const testId of ACTION_TEST_IDS) {
    const count = await page.getByTestId(testId).count();
    if (count > 0) found[testId] = count;
  }
  return found;
}

/**
 * Shows a page, checks it with axe and keeps its screenshot: the per-page
 * check of every console page.
 *
 * @param page - the page, fully shown
 * @param name - the screenshot's and message's name
 * @returns the screenshot's path
 */
export async function checkPage(page: Page, name: string): Promise<string> {
  const path = await screenshot(page, name);
  await expectAccessible(page, name);
  return path;
}
