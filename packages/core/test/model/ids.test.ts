import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { propertyIdArgument, toPropertyId } from '../../src/model/index.js';

/** The rule a property id's address must meet, as the errors state it. */
const RULE =
  'has no Latin letter or digit (a-z, 0-9; accents are dropped), which a property id is made of: ' +
  'write the address in Latin letters, as the sites list US addresses';

function issuesOf(run: () => unknown): readonly { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).issues;
  }
  throw new Error('expected InvalidInputError');
}

describe('toPropertyId', () => {
  it('slugs an address to lower-case Latin letters and digits, accents dropped', () => {
    expect(toPropertyId('4732 W Davis Rd, Glendale, AZ 85306')).toBe('4732-w-davis-rd-glendale-az-85306');
    expect(toPropertyId('12 Rue Hélène-Côté, Montréal')).toBe('12-rue-helene-cote-montreal');
  });

  it.each([
    ['Cyrillic', 'Улица Ленина'],
    ['Chinese', '北京市朝阳区'],
    ['punctuation only', '---'],
  ])('refuses an address with no Latin letter or digit (%s), stating the rule', (_name, address) => {
    expect(issuesOf(() => toPropertyId(address))).toEqual([{ path: 'address', message: `"${address}" ${RULE}` }]);
  });

  it.each([
    ['Cyrillic words beside a number', '5 Улица Ленина', 'У, л, и, ц, а, Л, е, н'],
    ['a letter with no accent to drop', '12 Straße, Berlin', 'ß'],
    ['Chinese beside Latin', '88 Main St 北京', '北, 京'],
  ])('refuses an address with letters a property id would drop (%s), naming them', (_name, address, letters) => {
    // Dropped letters would let two addresses share one id (both "5 Улица Ленина" and "5 Проспект Мира" gave "5").
    expect(issuesOf(() => toPropertyId(address))).toEqual([
      {
        path: 'address',
        message:
          `"${address}" has letters a property id cannot hold (${letters}): it is made of Latin letters a-z and ` +
          'digits (accents are dropped); write the address in Latin letters, as the sites list US addresses',
      },
    ]);
  });

  it.each([
    ['a NUL', '1\u0000 Nul St, Phoenix', 'U+0000', 2],
    ['a right-to-left override', '2 Main St\u202e, Phoenix', 'U+202E', 10],
    ['a zero-width space', '3\u200b Elm Ave', 'U+200B', 2],
    ['a line separator', '4 Oak Rd\u2028Mesa', 'U+2028', 9],
    ['a lone surrogate', '5 Pine St \ud800', 'U+D800', 11],
  ])('refuses an address with %s, naming the character and its position', (_name, address, code, position) => {
    // Such characters print raw to terminals and logs (or hide text) and stay in every stored copy of the address.
    const [issue] = issuesOf(() => toPropertyId(address));
    expect(issue).toEqual({
      path: 'address',
      message:
        `has an invisible or control character (${code} at character ${position}), ` +
        'which would be stored and printed as it is: remove it',
    });
  });

  it('states the same rule for a propertyId argument, naming the argument', () => {
    expect(issuesOf(() => propertyIdArgument('Улица'))).toEqual([
      { path: 'propertyId', message: `"Улица" ${RULE} (give a property id or an address)` },
    ]);
  });
});
