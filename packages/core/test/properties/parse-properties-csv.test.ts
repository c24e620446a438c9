import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { parsePropertiesCsv, readPropertiesCsvRows } from '../../src/properties/index.js';

const ZILLOW = 'https://www.zillow.com/homedetails/1-Main-St-Phoenix-AZ-85001/123_zpid/';
const REDFIN = 'https://www.redfin.com/AZ/Phoenix/1-Main-St-85001/home/456';

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parsePropertiesCsv(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return [...(error as InvalidInputError).issues];
  }
  throw new Error('expected InvalidInputError');
}

describe('parsePropertiesCsv', () => {
  it('reads addresses and optional listing URLs, ignoring columns it does not read and blank lines', () => {
    const text = [
      '\uFEFF Address ,zillow_url,redfin_url,notes',
      `"1 Main St, Phoenix, AZ 85001",${ZILLOW},${REDFIN},corner lot`,
      '',
      '"22 Elm Ave,  Mesa, AZ 85201",,',
      `"3 Oak Rd, Tempe, AZ 85281",,${REDFIN}`,
      '"4 Pine Ln, Chandler, AZ 85224"',
    ].join('\n');
    expect(parsePropertiesCsv(text)).toEqual([
      { id: '1-main-st-phoenix-az-85001', address: '1 Main St, Phoenix, AZ 85001', listingUrls: { zillow: ZILLOW, redfin: REDFIN } },
      { id: '22-elm-ave-mesa-az-85201', address: '22 Elm Ave, Mesa, AZ 85201', listingUrls: {} },
      { id: '3-oak-rd-tempe-az-85281', address: '3 Oak Rd, Tempe, AZ 85281', listingUrls: { redfin: REDFIN } },
      { id: '4-pine-ln-chandler-az-85224', address: '4 Pine Ln, Chandler, AZ 85224', listingUrls: {} },
    ]);
  });

  it('accepts a header-only file and CRLF line ends', () => {
    expect(parsePropertiesCsv('address,zillow_url,redfin_url\r\n')).toEqual([]);
    expect(parsePropertiesCsv('address\r\n"1 Main St, Phoenix"\r\n')).toHaveLength(1);
  });

  it('names every bad row by line number: missing address, non-https URL, duplicate property', () => {
    const text = [
      'address,zillow_url,redfin_url',
      `"1 Main St, Phoenix, AZ",${ZILLOW},`,
      `,${ZILLOW},`,
      '"2 Elm Ave",http://www.zillow.com/x,ftp://redfin.com/y',
      '"1 MAIN ST PHOENIX AZ",,',
      '"---",,',
      '"3 Oak",not a url,',
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      { path: 'line 3', message: 'address is missing' },
      { path: 'line 4', message: expect.stringMatching(/^zillow_url "http:\/\/www.zillow.com\/x" is not an https URL/) },
      { path: 'line 4', message: expect.stringMatching(/^redfin_url "ftp:\/\/redfin.com\/y" is not an https URL/) },
      { path: 'line 5', message: 'duplicate property id "1-main-st-phoenix-az" (same address as line 2)' },
      { path: 'line 6', message: expect.stringMatching(/^address "---" has no Latin letter or digit \(a-z, 0-9; /) },
      { path: 'line 7', message: expect.stringMatching(/^zillow_url "not a url" is not an https URL/) },
    ]);
  });

  it('reads the rows around an address in another script, naming the rule that address breaks', () => {
    const rows = readPropertiesCsvRows(['address', '"1 Main St, Phoenix"', 'Улица Ленина', '"2 Elm Ave, Mesa"'].join('\n'));
    expect(rows.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rows.invalid).toEqual([
      {
        line: 3,
        reason:
          'address "Улица Ленина" has no Latin letter or digit (a-z, 0-9; accents are dropped), which a property id is made of: ' +
          'write the address in Latin letters, as the sites list US addresses',
      },
    ]);
  });

  it('reads the rows around an address with a control character, naming it without printing it', () => {
    const rows = readPropertiesCsvRows(['address', '"1 Main St, Phoenix"', '"2\u0000 Nul St"', '"2 Elm Ave, Mesa"'].join('\n'));
    expect(rows.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rows.invalid).toEqual([
      {
        line: 3,
        reason:
          'address has an invisible or control character (U+0000 at character 2), which would be stored and printed as it is: remove it',
      },
    ]);
  });

  it("reports a row with a value past the header's columns by line and counts, reading the rows around it", () => {
    const text = [
      'address,zillow_url',
      '"1 Main St, Phoenix",',
      `"2 Elm Ave, Mesa",${ZILLOW},corner lot`,
      '3 Oak Rd, Tempe, AZ 85281',
      '"4 Pine Ln, Chandler",,,',
    ].join('\n');
    const read = readPropertiesCsvRows(text);
    // Empty cells past the header lose nothing: that row is read.
    expect(read.rows.map((r) => [r.line, r.property.address])).toEqual([
      [2, '1 Main St, Phoenix'],
      [5, '4 Pine Ln, Chandler'],
    ]);
    const extra = (values: number, lost: string) =>
      `${values} values but the header has 2 columns (address,zillow_url), so ${lost} would be lost: ` +
      'quote a value that holds a comma, or name the extra column in the header';
    expect(read.invalid).toEqual([
      { line: 3, reason: extra(3, '"corner lot"') },
      { line: 4, reason: extra(3, '"AZ 85281"') },
    ]);
    expect(issuesOf(text)).toEqual([
      { path: 'line 3', message: extra(3, '"corner lot"') },
      { path: 'line 4', message: extra(3, '"AZ 85281"') },
    ]);
  });

  it('rejects a file without an address header', () => {
    expect(issuesOf('street,zillow_url\n1 Main St,\n')).toEqual([
      { path: 'line 1', message: 'header "street,zillow_url"; expected a header address,zillow_url,redfin_url' },
    ]);
    expect(issuesOf('')[0]?.message).toMatch(/^no header/);
  });

  it('reports malformed CSV with its line', () => {
    const [issue] = issuesOf('address\n"1 Main St\n');
    expect(issue?.path).toBe('line 2');
    expect(issue?.message).toMatch(/Quote Not Closed/);
  });

  it.each([
    ['the first value of a row, lines before the end', 'address\n"1 Main St\n2 Elm Ave\n3 Oak Rd\n', 2],
    ['a later value of a row', `address,zillow_url\n"1 Main St",\n"2 Elm Ave","${ZILLOW}\n3 Oak Rd,\n4 Pine Ln,\n`, 3],
    ['a row after a value spanning lines and blank lines', 'address\n"1 Main\nSt"\n\n\n  "2 Elm Ave\n3 Oak Rd', 6],
    ['a file with a BOM, CRLF line ends and non-ASCII letters', '\uFEFFaddress\r\n"Ärztestraße 1"\r\n"2 Elm Ave\r\n3 Oak Rd\r\n', 3],
  ])('names the line where an unclosed quoted value opens: %s', (_name, text, line) => {
    const issues = issuesOf(text);
    expect(issues).toEqual([
      {
        path: `line ${line}`,
        message:
          `Quote Not Closed: the quoted value that opens on line ${line} has no closing quote, so the rest of the file is inside it; ` +
          'close it, or write a quote inside a value as two ("")',
      },
    ]);
  });

  it('uses the given name in the error message', () => {
    expect(() => parsePropertiesCsv('address\n,\n', { name: 'data/p.csv' })).toThrow(/^Invalid data\/p.csv: line 2: address is missing$/);
  });
});
