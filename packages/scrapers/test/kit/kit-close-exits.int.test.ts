import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../support/fixtures.js';

/** What the child prints and how it ended. */
interface ChildRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly killed: boolean;
}

// Long enough that a timer left behind (the per-attempt limit: navigation + settle + 30 s)
// outlives the kill timeout below by far.
const NAVIGATION_TIMEOUT_MS = 300_000;
// The failure signal only: a script that does not end by itself is killed after this.
const KILL_AFTER_MS = 150_000;

// kit.close() is called the moment the listing page's tab is being opened (context.newPage),
// the window in which the page work used to hang until the attempt limit fired.
const SCRIPT = `
import { toPropertyId } from '@phx/core';
import { createScraperKit } from '@phx/scrapers';
const [fixturesDir, isolationMode] = process.argv.slice(1);
const kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir }, fetchMode: 'browser', isolationMode, navigationTimeoutMs: ${NAVIGATION_TIMEOUT_MS} });
const contextPrototype = await kit.pool.withPage(toPropertyId('warm-up'), async (page) => Object.getPrototypeOf(page.context()));
const newPage = contextPrototype.newPage;
let closing = null;
contextPrototype.newPage = function (...args) {
  const opening = newPage.apply(this, args);
  closing ??= kit.close();
  return opening;
};
const property = { id: toPropertyId('1000 Plymouth Dr'), address: '1000 Plymouth Dr, Austin, TX 78758', listingUrls: {} };
const outcome = await kit.scrapers.zillow
  .listPhotos({ property, listingUrl: 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/' })
  .then(() => 'fulfilled', (error) => error.name);
await closing;
console.log(outcome);
`;

function runChild(isolationMode: string): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT, fixturesDir, isolationMode],
      { timeout: KILL_AFTER_MS, killSignal: 'SIGKILL' },
      (_error, stdout, stderr) => resolve({ stdout: String(stdout), stderr: String(stderr), code: child.exitCode, killed: child.killed }),
    );
  });
}

describe('a script that closes its kit while a listing page is loading (Chromium, replay)', () => {
  it.each(['virtual', 'context', 'browser'])(
    'ends by itself, with the call cancelled (%s isolation)',
    { timeout: KILL_AFTER_MS + 30_000 },
    async (isolationMode) => {
      const run = await runChild(isolationMode);
      expect(run.stderr).toBe('');
      expect(run.killed).toBe(false);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe('CancelledError');
    },
  );
});
