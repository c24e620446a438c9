// Benchmark (not a test), issue 10 item 3: time to read a listing whose page
// has a sub-resource that never answers (an iframe, a <head> script), against
// the same page without it, over N rounds on replay in real Chromium. The
// target: the hung page finishes within 1.5x the time of the plain one.
// Run (after building): npm run bench:hung -w @phx/scrapers [-- --rounds 5]
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toPropertyId } from '@phx/core';
import { createScraperKit } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'max-retries': { type: 'string' },
    fixtures: { type: 'string', default: process.env.PHX_FIXTURES_DIR ?? path.resolve(here, '../../../../shared/fixtures') },
  },
});
const rounds = Number(values.rounds);
const saved = readFileSync(path.join(values.fixtures, 'listings/zillow/zillow-hdp-venice-ca-20454567.html'), 'utf8');
const HUNG = 'https://www.zillow.com/phx-bench/hung-resource';
const html = (text) => ({ status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(text, 'utf8') });
const url = (n, kind) => `https://www.zillow.com/homedetails/${n}-${kind}-St-Venice-CA-90291/96${String(n).padStart(6, '0')}_zpid/`;
const variants = {
  plain: (t) => t,
  'hung iframe': (t) => t.replace('<body', `<body><iframe src="${HUNG}?frame"></iframe><i hidden></i`),
  'hung head script': (t) => t.replace(/<head([^>]*)>/, `<head$1><script src="${HUNG}?script"></script>`),
};
const extraPages = [{ url: HUNG, response: { ...html(''), delayMs: 600_000 } }];
for (let n = 0; n < rounds; n += 1) {
  for (const [kind, make] of Object.entries(variants)) extraPages.push({ url: url(n, kind.replace(/ /g, '-')), response: html(make(saved)) });
}
const politeness = values['max-retries'] === undefined ? {} : { politeness: { maxRetries: Number(values['max-retries']) } };
const kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir: values.fixtures, extraPages }, navigationTimeoutMs: 45_000, ...politeness });
const failures = [];
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
try {
  // Warm the browser up once so the first round is not the launch.
  await kit.scrapers.zillow.listPhotos({ property: { id: toPropertyId('warm'), address: 'warm', listingUrls: {} }, listingUrl: url(0, 'plain') });
  for (let n = 0; n < rounds; n += 1) {
    for (const kind of Object.keys(variants)) {
      const listingUrl = url(n, kind.replace(/ /g, '-'));
      const started = performance.now();
      const read = await kit.scrapers.zillow
        .listPhotos({ property: { id: toPropertyId(listingUrl), address: listingUrl, listingUrls: {} }, listingUrl })
        .then(({ photos }) => (photos.length === 31 ? null : `${photos.length} photos, expected 31`), (error) => error.code ?? String(error));
      times[kind].push(performance.now() - started);
      if (read !== null) failures.push(`${kind}, round ${n + 1}: ${read} after ${(performance.now() - started).toFixed(0)} ms`);
    }
  }
} finally {
  await kit.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plain = median(times.plain);
for (const [kind, xs] of Object.entries(times)) {
  console.log(`${kind.padEnd(17)} median ${median(xs).toFixed(0).padStart(6)} ms  (${xs.map((x) => x.toFixed(0)).join(', ')})  ratio ${(median(xs) / plain).toFixed(2)}`);
}
const worst = Math.max(...Object.values(times).map((xs) => median(xs) / plain));
for (const f of failures) console.log(`FAILED ${f}`);
console.log(`worst ratio to the plain page: ${worst.toFixed(2)} (target <= 1.5): ${worst <= 1.5 ? 'met' : 'NOT met'}`);
