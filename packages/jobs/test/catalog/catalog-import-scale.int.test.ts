import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PropertyCatalog } from '../../src/catalog/property-catalog.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const ROWS = 50_000;

/** A CSV of `ROWS` distinct addresses, every tenth with a Zillow URL. */
function bigCsv(): string {
  const lines = ['address,zillow_url,redfin_url'];
  for (let i = 1; i <= ROWS; i += 1) {
    const url = i % 10 === 0 ? `https://www.zillow.com/homedetails/${i}-Main-St-Phoenix-AZ-85001/${1_000_000 + i}_zpid/` : '';
    lines.push(`"${i} Main St, Phoenix, AZ 85001",${url},`);
  }
  return lines.join('\n');
}

// Shows the figure of a 50,000-row import (logged, not asserted: the machine is shared).
describe('PropertyCatalog import at scale', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await openTestDatabase('catalog_scale');
  });
  afterAll(async () => {
    await tdb.close();
  });

  it(`imports ${ROWS} rows, then the same file again without writing`, async () => {
    const catalog = new PropertyCatalog({ db: tdb.db });
    const csv = bigCsv();
    let started = performance.now();
    const first = await catalog.importCsv(csv);
    const firstMs = performance.now() - started;
    started = performance.now();
    const second = await catalog.importCsv(csv);
    const secondMs = performance.now() - started;
    process.stdout.write(
      `catalog import of ${ROWS} rows: first ${(firstMs / 1000).toFixed(1)} s, again (unchanged) ${(secondMs / 1000).toFixed(1)} s\n`,
    );
    expect(first).toMatchObject({ added: ROWS, updated: 0, unchanged: 0, invalid: [] });
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: ROWS, invalid: [] });
    expect(await catalog.count()).toBe(ROWS);
  }, 300_000);
});
