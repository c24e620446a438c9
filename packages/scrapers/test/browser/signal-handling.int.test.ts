import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../support/fixtures.js';
import { chromiumProcessesOfThisTest, stillAlive } from '../support/processes.js';

// The failure signal only: a script that does not end by itself is killed after this.
const KILL_AFTER_MS = 120_000;
/** The exit code the script's own handler ends with; Playwright's SIGINT handler would end with 130. */
const OWN_EXIT_CODE = 42;

// A program importing @phx/scrapers with its own handler for one signal: on the signal it reads the
// listing again in the same kit, reports what the library logged, closes the kit and exits with its own code.
const SCRIPT = `
import { toPropertyId } from '@phx/core';
import { createScraperKit } from '@phx/scrapers';
const [fixturesDir, signal] = process.argv.slice(1);
const problems = [];
const logger = { debug() {}, info() {}, warn(_c, m) { problems.push(m); }, error(_c, m) { problems.push(m); }, child() { return logger; } };
const kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir }, fetchMode: 'browser', logger });
const property = { id: toPropertyId('1000 Plymouth Dr'), address: '1000 Plymouth Dr, Austin, TX 78758', listingUrls: {} };
const listingUrl = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const read = () => kit.scrapers.zillow.listPhotos({ property, listingUrl });
process.once(signal, async () => {
  console.log('handling ' + signal);
  const again = await read();
  console.log('after ' + signal + ': ' + again.photos.length + ' photos; library problems: ' + JSON.stringify(problems));
  await kit.close();
  process.exit(${OWN_EXIT_CODE});
});
const first = await read();
console.log('ready: ' + first.photos.length + ' photos');
setInterval(() => undefined, 1_000); // waits for the signal
`;

interface ChildRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// The same program without a handler of its own: the signal's default action ends it.
const SCRIPT_WITHOUT_HANDLERS = SCRIPT.replace(/process\.once\(signal[\s\S]*?\n\}\);\n/, '');

function runUntilSignalled(signal: NodeJS.Signals, script = SCRIPT, onReady: () => void = () => undefined): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, fixturesDir, signal], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('ready: ') && !stdout.includes('handling') && child.signalCode === null && !child.killed) {
        onReady();
        child.kill(signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code, exitSignal) => {
      clearTimeout(killer);
      resolve({ stdout, stderr, code, signal: exitSignal });
    });
  });
}

describe('a program importing @phx/scrapers keeps its own signal handling (Chromium, replay)', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'on %s only its own handler runs: Chromium stays up for it and the program exits with its own code',
    { timeout: KILL_AFTER_MS + 30_000 },
    async (signal) => {
      const run = await runUntilSignalled(signal);
      const photos = /ready: (\d+) photos/.exec(run.stdout)?.[1];
      expect(Number(photos)).toBeGreaterThan(0);
      // Playwright's own handlers close Chromium (the pool then logs the disconnect and relaunches it)
      // and, for SIGINT, end the process with 130 before the program's handler is done.
      expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: OWN_EXIT_CODE, signal: null, stderr: '' });
      expect(run.stdout).toContain(`after ${signal}: ${photos} photos; library problems: []`);
    },
  );
});

describe('a program importing @phx/scrapers without signal handlers of its own (Chromium, replay)', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    'dies of %s as any program does, and leaves no Chromium behind',
    { timeout: KILL_AFTER_MS + 30_000 },
    async (signal) => {
      expect(SCRIPT_WITHOUT_HANDLERS).not.toContain('process.once');
      let browsers: number[] = [];
      const run = await runUntilSignalled(signal, SCRIPT_WITHOUT_HANDLERS, () => (browsers = chromiumProcessesOfThisTest()));
      expect(browsers.length).toBeGreaterThan(0);
      // Playwright's SIGTERM and SIGHUP handlers kept such a program alive (it only closed Chromium), and SIGINT exited 130.
      expect({ code: run.code, signal: run.signal }).toEqual({ code: null, signal });
      // Chromium ends by itself once its DevTools pipe closes with the program.
      const deadline = Date.now() + 15_000;
      while (stillAlive(browsers).length > 0 && Date.now() < deadline) await sleep(200);
      expect(stillAlive(browsers)).toEqual([]);
    },
  );
});
