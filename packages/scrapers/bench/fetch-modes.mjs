// Benchmark (not a test): the three fetch modes on the replayed pages in one run. Each mode runs in its own
// Node process (bench/replay-throughput.mjs --json), so its peak memory (Node RSS + its Chromium processes'
// RSS, sampled every 250 ms) is its own; then the ratios auto/browser and http/browser are printed.
// Run: npm run bench -w @phx/scrapers [-- --pages 100 --set html|all --modes http,auto,browser --concurrency 1]
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '100' },
    set: { type: 'string', default: 'html' },
    modes: { type: 'string', default: 'http,auto,browser' },
    concurrency: { type: 'string', default: '1' },
    isolation: { type: 'string', default: 'virtual' },
  },
});
const run = promisify(execFile);
const mib = (kib) => (kib / 1024).toFixed(0);
const results = {};
const loadBefore = loadavg()[0].toFixed(1);
for (const mode of values.modes.split(',')) {
  const args = ['--expose-gc', path.join(here, 'replay-throughput.mjs'), '--json', '--fetch-mode', mode, '--pages', values.pages];
  args.push('--set', values.set, '--concurrency', values.concurrency, '--isolation', values.isolation, '--every', '1000000');
  let stdout;
  try {
    ({ stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    stdout = error.stdout ?? '';
    process.stderr.write(`${mode}: exit ${error.code}\n${error.stderr ?? ''}\n`);
  }
  const line = stdout.trim().split('\n').pop();
  results[mode] = JSON.parse(line);
  const r = results[mode];
  process.stderr.write(`${mode}: ${r.pages} pages, ${r.pagesPerMinute.toFixed(1)} pages/min\n`);
}
const lines = [
  `phx fetch-mode benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs, load average ${loadBefore} before / ${loadavg()[0].toFixed(1)} after`,
  `${values.pages} pages per mode over the ${values.set === 'html' ? 'saved pages whose data is in the HTML' : 'saved listing pages'}, concurrency ${values.concurrency}`,
  '',
  '| mode | pages (failed) | served http / browser | pages/min | peak RSS node + chromium = total (MiB) |',
  '| --- | --- | --- | --- | --- |',
];
for (const [mode, r] of Object.entries(results)) {
  lines.push(
    `| ${mode} | ${r.pages} (${r.failures}) | ${r.served.http} / ${r.served.browser} | ${r.pagesPerMinute.toFixed(1)} | ${mib(r.peakKiB.node)} + ${mib(r.peakKiB.chromium)} = ${mib(r.peakKiB.total)} |`,
  );
}
const ratio = (a, b, f) => (results[a] && results[b] ? (f(results[a]) / f(results[b])).toFixed(2) : 'n/a');
lines.push('');
lines.push(
  `auto/browser: pages/min x${ratio('auto', 'browser', (r) => r.pagesPerMinute)}, peak memory x${ratio('auto', 'browser', (r) => r.peakKiB.total)}`,
);
lines.push(
  `http/browser: pages/min x${ratio('http', 'browser', (r) => r.pagesPerMinute)}, peak memory x${ratio('http', 'browser', (r) => r.peakKiB.total)}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = Object.values(results).some((r) => r.failures > 0) ? 1 : 0;
