import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../support/fixtures.js';

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
const kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir }, logger });
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

function runUntilSignalled(signal: NodeJS.Signals): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, fixturesDir, signal], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('ready: ') && !stdout.includes('handling')) child.kill(signal);
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
