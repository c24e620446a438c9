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

  it('refuses a CSV that is not UTF-8, naming each row with bad bytes, instead of reading U+FFFD', async () => {
    const path = join(dir, 'latin1.csv');
    // Latin-1 "Peña" (0xF1) on line 3 and a Windows-1252 quote (0x93) on line 5: what Excel writes as "CSV".
    const latin1 = Buffer.concat([
      Buffer.from('address,zillow_url\n"1 Main St, Phoenix",\n"2 Pe'),
      Buffer.from([0xf1]),
      Buffer.from('a Ave, Phoenix",\n"3 Main St, Phoenix",\n"4 '),
      Buffer.from([0x93]),
      Buffer.from('Elm', 'latin1'),
      Buffer.from([0x94]),
      Buffer.from(' St, Phoenix",\n'),
    ]);
    await writeFile(path, latin1);
    const error: unknown = await loadPropertiesCsv(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'line 3', message: 'is not UTF-8 (byte 0xf1 at column 6); save the file as UTF-8' },
      { path: 'line 5', message: 'is not UTF-8 (byte 0x93 at column 4); save the file as UTF-8' },
    ]);
    expect((error as Error).message).toContain(path);
  });

  it('names the row whose address is too long to name a folder', async () => {
    const path = join(dir, 'long.csv');
    // 255 characters, but accents spelled as two code points each: its slug is longer than the address.
    const address = `${'9'.repeat(200)} ${'ﬃ'.repeat(54)}`;
    await writeFile(path, `address\n"1 Main St, Phoenix"\n"${address}"\n`);
    const error: unknown = await loadPropertiesCsv(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'line 3', message: expect.stringMatching(/makes a property id of 363 characters; the longest is 255/) },
    ]);
  });

  it('names the row whose address is longer than an address may be', async () => {
    const path = join(dir, 'longer.csv');
    await writeFile(path, `address\n"1 Main St, Phoenix"\n"${'9'.repeat(256)} Long Rd, Phoenix"\n`);
    const error: unknown = await loadPropertiesCsv(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'line 3', message: 'address is 273 characters; at most 255 (shorten it)' },
    ]);
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
