import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors/index.js';
import { loadPropertiesCsv } from '../../src/properties/index.js';

describe('loadPropertiesCsv', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phx-csv-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a CSV file', async () => {
    const path = join(dir, 'properties.csv');
    await writeFile(path, 'address,zillow_url\n"1 Main St, Phoenix",https://www.zillow.com/homedetails/x/1_zpid/\n');
    expect(await loadPropertiesCsv(path)).toEqual([
      { id: '1-main-st-phoenix', address: '1 Main St, Phoenix', listingUrls: { zillow: 'https://www.zillow.com/homedetails/x/1_zpid/' } },
    ]);
  });

  it('names the file in row errors', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'address\n""\n');
    const error: unknown = await loadPropertiesCsv(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toBe(`Invalid properties CSV ${path}: line 2: address is missing`);
  });

  it('throws NotFoundError naming the missing path', async () => {
    const path = join(dir, 'missing.csv');
    const error: unknown = await loadPropertiesCsv(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(`No properties file with path "${path}" exists`);
  });

  it('says a folder is not a CSV file', async () => {
    const error: unknown = await loadPropertiesCsv(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toBe(`Invalid properties file: ${dir}: is a folder; give the path of a CSV file`);
  });
});
