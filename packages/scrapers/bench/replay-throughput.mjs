// Benchmark (not a test): pages per minute on replay over N page loads, peak
// memory, memory growth over the run, Chromium processes before and after.
// Run one fetch mode: node --expose-gc bench/replay-throughput.mjs
// [--fetch-mode browser|http|auto --set all|html --pages 200 --isolation virtual|context|browser --concurrency 1 --every 100
//  --retire-context-after 100 --json]
// (npm run bench runs bench/fetch-modes.mjs, which runs this once per fetch mode in its own process)
// --set html: only the saved pages whose data is in the served HTML (all but the rendered-DOM one); --json: one JSON line
// (--retire-context-after 0: the shared context is never replaced)
// (the script runs node with --expose-gc, so the Node heap is measured after a full GC)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createScraperKit } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '200' },
    isolation: { type: 'string', default: 'virtual' },
    concurrency: { type: 'string', default: '1' },
    every: { type: 'string', default: '100' },
    'retire-context-after': { type: 'string' },
    'fetch-mode': { type: 'string', default: 'browser' },
    set: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
    fixtures: { type: 'string', default: process.env.PHX_FIXTURES_DIR ?? path.resolve(here, '../../../../shared/fixtures') },
  },
});
const totalPages = Number(values.pages);
const concurrency = Number(values.concurrency);
const every = Number(values.every);
if (typeof global.gc !== 'function') process.stderr.write('run node with --expose-gc: the Node heap is measured without a full GC\n');

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/** Live Chromium processes descended from this process. */
function ourChromiums() {
  let out = '';
  try {
    out = execFileSync('pgrep', ['chromium'], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      if (stat(pid)?.state === 'Z') return false;
      for (let p = stat(pid)?.ppid ?? 0, hops = 0; p > 1 && hops < 20; hops += 1) {
        if (p === process.pid) return true;
        p = stat(p)?.ppid ?? 0;
      }
      return false;
    });
}

function rssKiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Proportional set size (shared pages divided among the processes sharing them), in KiB. */
function pssKiB(pid) {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Node heap in use after a full GC, and RSS and PSS summed over this process's Chromium processes, in KiB. */
function growthSample(pages) {
  global.gc?.();
  const heap = Math.round(process.memoryUsage().heapUsed / 1024);
  const pids = ourChromiums();
  const rss = pids.reduce((sum, pid) => sum + rssKiB(pid), 0);
  const pss = pids.reduce((sum, pid) => sum + pssKiB(pid), 0);
  return { pages, heap, rss, pss, processes: pids.length };
}

/** Least-squares slope of `key` over the samples, in KiB per 100 pages. */
function slopePer100(samples, key) {
  if (samples.length < 2) return NaN;
  const mx = samples.reduce((s, c) => s + c.pages, 0) / samples.length;
  const my = samples.reduce((s, c) => s + c[key], 0) / samples.length;
  const sxy = samples.reduce((s, c) => s + (c.pages - mx) * (c[key] - my), 0);
  const sxx = samples.reduce((s, c) => s + (c.pages - mx) ** 2, 0);
  return (sxy / sxx) * 100;
}

const mib = (kib) => (kib / 1024).toFixed(1);
const before = ourChromiums().length;
const peak = { node: 0, chromium: 0, total: 0 };
const sample = () => {
  const node = Math.round(process.memoryUsage().rss / 1024);
  const chromium = ourChromiums().reduce((sum, pid) => sum + rssKiB(pid), 0);
  peak.node = Math.max(peak.node, node);
  peak.chromium = Math.max(peak.chromium, chromium);
  peak.total = Math.max(peak.total, node + chromium);
  return { node, chromium };
};
const sampler = setInterval(sample, 250);

const retire = values['retire-context-after'];
const kit = await createScraperKit({
  mode: { kind: 'replay', fixturesDir: values.fixtures },
  isolationMode: values.isolation,
  fetchMode: values['fetch-mode'],
  ...(retire === undefined ? {} : { retireContextAfterPages: Number(retire) === 0 ? null : Number(retire) }),
});
const listings = kit.archive.listings.filter((l) => values.set === 'all' || !/rendered-dom/.test(path.basename(l.file)));
const served = { http: 0, browser: 0 };
const checkpoints = [];
const growth = [];
let done = 0;
let photos = 0;
let failures = 0;
const started = Date.now();
async function worker() {
  for (;;) {
    const n = done + failures;
    if (n >= totalPages) return;
    const i = n;
    done += 1; // reserve the slot
    const listing = listings[i % listings.length];
    const property = { id: `bench-${i}`, address: `bench ${i}`, listingUrls: {} };
    try {
      const result = await kit.scrapers[listing.source].listPhotos({ property, listingUrl: listing.url });
      photos += result.photos.length;
      served[result.fetchMode] += 1;
    } catch (error) {
      done -= 1;
      failures += 1;
      process.stderr.write(`page ${i} ${listing.url}: ${error.code ?? ''} ${error.message}\n`);
    }
    await kit.scrapers[listing.source].releaseProperty(property.id);
    if ((i + 1) % 50 === 0) checkpoints.push({ pages: i + 1, ...sample() });
    if ((i + 1) % every === 0) {
      const g = growthSample(i + 1);
      growth.push(g);
      process.stderr.write(
        `  at ${g.pages} pages: node heap ${mib(g.heap)} MiB, chromium RSS ${mib(g.rss)} MiB, PSS ${mib(g.pss)} MiB (${g.processes} processes)\n`,
      );
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsedMs = Date.now() - started;
const during = ourChromiums().length;
await kit.close();
let after = ourChromiums().length;
for (let t = 0; t < 50 && after > 0; t += 1) {
  await new Promise((r) => setTimeout(r, 100));
  after = ourChromiums().length;
}
clearInterval(sampler);

if (values.json) {
  const summary = {
    fetchMode: values['fetch-mode'],
    set: values.set,
    listings: listings.length,
    pages: done,
    failures,
    photos,
    served,
    elapsedMs,
    pagesPerMinute: (done / elapsedMs) * 60_000,
    peakKiB: peak,
    chromiumProcesses: { before, during, after },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(failures > 0 || after > 0 ? 1 : 0);
}

const lines = [
  `phx scrapers replay benchmark: ${totalPages} page loads over ${listings.length} saved listings (${values.set}), fetch mode ${values['fetch-mode']}, isolation ${values.isolation}, concurrency ${concurrency}, context retired after ${kit.pool.retireContextAfterPages ?? 'never'} pages`,
  `  pages read           ${done} (${failures} failed), ${photos} photos listed; served by http ${served.http}, browser ${served.browser}`,
  `  elapsed              ${(elapsedMs / 1000).toFixed(1)} s`,
  `  pages per minute     ${((done / elapsedMs) * 60_000).toFixed(1)}`,
  `  peak RSS             node ${mib(peak.node)} MiB, chromium ${mib(peak.chromium)} MiB, together ${mib(peak.total)} MiB`,
  `  RSS at checkpoints   ${checkpoints.map((c) => `${c.pages}: node ${mib(c.node)} + chromium ${mib(c.chromium)} MiB`).join('; ')}`,
  `  chromium processes   before ${before}, while running ${during}, after close ${after}`,
  `  growth every ${every} pages (node heap after GC / chromium RSS / chromium PSS, MiB):`,
  ...growth.map(
    (g) =>
      `    ${String(g.pages).padStart(5)}  ${mib(g.heap).padStart(7)}  ${mib(g.rss).padStart(8)}  ${mib(g.pss).padStart(8)}  (${g.processes} processes)`,
  ),
  `  slope per 100 pages  node heap ${slopePer100(growth, 'heap').toFixed(0)} KiB, chromium RSS ${slopePer100(growth, 'rss').toFixed(0)} KiB, chromium PSS ${slopePer100(growth, 'pss').toFixed(0)} KiB (least squares over the samples above)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = failures > 0 || after > 0 ? 1 : 0;
