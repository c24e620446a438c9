// Benchmark (not a test), issue 10 item 3: time to read a listing whose page
// has a sub-resource that never answers (an iframe, a <head> script), against
// the same page without it, over N rounds on replay in real Chromium; and the
// same for the address searches (Zillow's search URL, Redfin's home page
// before its autocomplete API). The target: the hung page finishes within
// 1.5x the time of the plain one.
// Run (after building): npm run bench:hung -w @phx/scrapers [-- --rounds 5]
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toPropertyId } from '@phx/core';
import { createScraperKit } from '../dist/index.js';
import { redfinAutocompleteUrl, zillowSearchUrl } from '../dist/internal.js';

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
  for (const [kind, make] of Object.entries(variants))
    extraPages.push({ url: url(n, kind.replace(/ /g, '-')), response: html(make(saved)) });
}
// Address searches: Zillow's search URL answered with the saved home page (one match), Redfin's home page
// (the package's own saved copy) before the autocomplete API; each with and without a hung iframe.
const ownFixture = (name) => readFileSync(path.resolve(here, '../test/fixtures', name), 'utf8');
const VANCOUVER_ROW = ownFixture('redfin-autocomplete-829-e-14th-ave.json');
const searches = {
  'zillow search': {
    host: 'www.zillow.com',
    page: saved,
    expect: 'https://www.zillow.com/homedetails/1233-Palms-Blvd-Venice-CA-90291/20454567_zpid/',
  },
  'redfin search': {
    host: 'www.redfin.ca',
    page: ownFixture('redfin-home.html'),
    expect: 'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679',
  },
};
const searchAddress = (n, site, hung) =>
  site === 'redfin search' ? `829 E 14th Ave, Vancouver, BC V5T 2N5` : `${n}${hung ? 1 : 0} Search Way, Venice, CA 90291`;
for (let n = 0; n < rounds; n += 1) {
  for (const hung of [false, true]) {
    const search = searches['zillow search'];
    extraPages.push({
      url: zillowSearchUrl(searchAddress(n, 'zillow search', hung)),
      response: html(hung ? variants['hung iframe'](search.page) : search.page),
    });
  }
}
extraPages.push({
  url: redfinAutocompleteUrl(searchAddress(0, 'redfin search', false)),
  response: { status: 200, contentType: 'application/json', body: Buffer.from(VANCOUVER_ROW, 'utf8') },
});
const politeness = values['max-retries'] === undefined ? {} : { politeness: { maxRetries: Number(values['max-retries']) } };
// Redfin's home page is one URL: one kit serves it plain, another with the hung iframe.
const redfinPages = (page) => [
  { url: 'https://www.redfin.ca/', response: html(page) },
  {
    url: redfinAutocompleteUrl(searchAddress(0, 'redfin search', false)),
    response: { status: 200, contentType: 'application/json', body: Buffer.from(VANCOUVER_ROW, 'utf8') },
  },
  { url: HUNG, response: { ...html(''), delayMs: 600_000 } },
];
const redfinKit = await createScraperKit({
  mode: { kind: 'replay', fixturesDir: values.fixtures, extraPages: redfinPages(variants['hung iframe'](searches['redfin search'].page)) },
  navigationTimeoutMs: 45_000,
  ...politeness,
});
extraPages.push(...redfinPages(searches['redfin search'].page).slice(0, 1));
const kit = await createScraperKit({
  mode: { kind: 'replay', fixturesDir: values.fixtures, extraPages },
  navigationTimeoutMs: 45_000,
  ...politeness,
});
const failures = [];
async function findListing(site, search, n, hung) {
  if (site === 'zillow search') return kit.scrapers.zillow.findListingUrl(searchAddress(n, site, hung));
  return (hung ? redfinKit : kit).scrapers.redfin.findListingUrl(searchAddress(n, site, hung));
}
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
try {
  // Warm the browser up once so the first round is not the launch.
  await kit.scrapers.zillow.listPhotos({
    property: { id: toPropertyId('warm'), address: 'warm', listingUrls: {} },
    listingUrl: url(0, 'plain'),
  });
  await redfinKit.scrapers.redfin.findListingUrl(searchAddress(0, 'redfin search', true));
  for (let n = 0; n < rounds; n += 1) {
    for (const kind of Object.keys(variants)) {
      const listingUrl = url(n, kind.replace(/ /g, '-'));
      const started = performance.now();
      const read = await kit.scrapers.zillow
        .listPhotos({ property: { id: toPropertyId(listingUrl), address: listingUrl, listingUrls: {} }, listingUrl })
        .then(
          ({ photos }) => (photos.length === 31 ? null : `${photos.length} photos, expected 31`),
          (error) => error.code ?? String(error),
        );
      times[kind].push(performance.now() - started);
      if (read !== null) failures.push(`${kind}, round ${n + 1}: ${read} after ${(performance.now() - started).toFixed(0)} ms`);
    }
  }
  // Redfin's search always opens the same home page: its two variants are served in turn by swapping the saved answer.
  for (let n = 0; n < rounds; n += 1) {
    for (const hung of [false, true]) {
      for (const [site, search] of Object.entries(searches)) {
        const kind = `${site}${hung ? ', hung iframe' : ''}`;
        times[kind] ??= [];
        const started = performance.now();
        const found = await findListing(site, search, n, hung).then(
          (u) => (u === search.expect ? null : `found ${u}`),
          (error) => error.code ?? String(error),
        );
        times[kind].push(performance.now() - started);
        if (found !== null) failures.push(`${kind}, round ${n + 1}: ${found}`);
      }
    }
  }
} finally {
  await kit.close();
  await redfinKit?.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The plain counterpart of a kind: the listing page, or the same search without the hung iframe. */
const baseOf = (kind) =>
  kind.endsWith(', hung iframe') ? kind.slice(0, -', hung iframe'.length) : kind.includes('search') ? kind : 'plain';
const ratios = [];
for (const [kind, xs] of Object.entries(times)) {
  const ratio = median(xs) / median(times[baseOf(kind)]);
  ratios.push(ratio);
  console.log(
    `${kind.padEnd(27)} median ${median(xs).toFixed(0).padStart(6)} ms  (${xs.map((x) => x.toFixed(0)).join(', ')})  ratio ${ratio.toFixed(2)} to ${baseOf(kind)}`,
  );
}
const worst = Math.max(...ratios);
for (const f of failures) console.log(`FAILED ${f}`);
console.log(`worst ratio to the plain page: ${worst.toFixed(2)} (target <= 1.5): ${worst <= 1.5 ? 'met' : 'NOT met'}`);
