import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors/index.js';
import type { Brand } from './brand.js';
import { assertWithinLimits, limitIssue, MAX_ADDRESS_LENGTH } from './storage-limits.js';

/** Id of an extraction job: a UUID string. */
export type JobId = Brand<string, 'JobId'>;
/** Id of a property: a lower-case slug of its address, e.g. `4732-w-davis-rd-glendale-az-85306`. */
export type PropertyId = Brand<string, 'PropertyId'>;
/** Lower-case hex SHA-256 of a photo's original bytes (64 characters): its content address. */
export type ContentHash = Brand<string, 'ContentHash'>;

/**
 * Longest property id, in characters (ids are ASCII, so also in bytes): a
 * property id names the property's folder in the image store, and a folder
 * name is at most 255 bytes on the usual file systems. The image store and
 * the GraphQL `/images` route accept exactly the ids of this length or less.
 */
export const MAX_PROPERTY_ID_LENGTH = 255;

/** A property id as {@link toPropertyId} makes it: lower-case letters and digits in dash-separated runs. */
const PROPERTY_ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256_RE = /^[0-9a-f]{64}$/;

/**
 * Checks and brands a job id.
 *
 * @param value - a UUID string
 * @returns the same string, branded
 * @throws {@link InvalidInputError} when `value` is not a UUID
 */
export function toJobId(value: string): JobId {
  if (!UUID_RE.test(value)) {
    throw new InvalidInputError('job id', [{ path: 'id', message: `"${value}" is not a job id (a UUID)` }]);
  }
  return value.toLowerCase() as JobId;
}

/**
 * Makes a fresh random job id.
 *
 * @returns a new UUID v4, branded
 */
export function newJobId(): JobId {
  return randomUUID() as JobId;
}

/**
 * Why an address makes no property id. Ids stay ASCII on purpose: an id names a
 * folder (at most 255 bytes) and a URL segment of `/images`, and the sites list
 * US addresses in Latin letters; other scripts are not transliterated.
 */
const NO_SLUG_CHARACTER =
  'has no Latin letter or digit (a-z, 0-9; accents are dropped), which a property id is made of: ' +
  'write the address in Latin letters, as the sites list US addresses';

/**
 * Characters an address may not hold: controls (NUL, tab, ESC…), invisible
 * formatting (zero-width space, bidirectional overrides), line and paragraph
 * separators, and lone surrogates (text that is not Unicode).
 */
const UNPRINTABLE_RE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** Most of the dropped letters an error names. */
const MAX_NAMED_LETTERS = 10;

/**
 * The letters and digits of `address` (accents already dropped) that a slug
 * cannot hold, each once, in order: letters of other scripts (Cyrillic,
 * Chinese…) and Latin letters with no accent to drop (ß, ø, ł).
 */
function lettersOutsideSlug(folded: string): string[] {
  return [...new Set((folded.match(/[\p{L}\p{N}]/gu) ?? []).filter((c) => c > '\u007f'))];
}

/**
 * Derives the property id from a street address: accents dropped, lower case,
 * runs of anything but Latin letters a-z and digits become one `-` (letters of
 * other scripts too). The same address always gives the same id, so it names
 * the property's folder in the image store.
 *
 * @param address - street address, e.g. `4732 W Davis Rd, Glendale, AZ 85306`
 * @returns the slug, e.g. `4732-w-davis-rd-glendale-az-85306`
 * @throws {@link InputTooLongError} (path `address`) when the address is longer
 *   than {@link MAX_ADDRESS_LENGTH} characters (every stored property, outcome
 *   and job list holds it)
 * @throws {@link InvalidInputError} (path `address`) when the address holds a
 *   control, invisible formatting or separator character or a lone surrogate
 *   (named by code point and position), when it has no
 *   Latin letter or digit (e.g. only Cyrillic or Chinese letters, or only
 *   punctuation), when it has letters or digits the id would drop (another
 *   script's beside Latin ones, or ß, ø, ł: two addresses would share an id),
 *   or when its slug is longer than {@link MAX_PROPERTY_ID_LENGTH}
 *   (it could not name a folder)
 */
export function toPropertyId(address: string): PropertyId {
  assertWithinLimits('address', [limitIssue('address', address, MAX_ADDRESS_LENGTH)]);
  const unprintable = UNPRINTABLE_RE.exec(address);
  if (unprintable !== null) {
    // Not quoted: it would print the character raw.
    const code = `U+${(unprintable[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    const message =
      `has an invisible or control character (${code} at character ${unprintable.index + 1}), ` +
      'which would be stored and printed as it is: remove it';
    throw new InvalidInputError('address', [{ path: 'address', message }]);
  }
  const folded = address.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const slug = folded
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length === 0) {
    throw new InvalidInputError('address', [{ path: 'address', message: `"${address}" ${NO_SLUG_CHARACTER}` }]);
  }
  // A dropped letter would let two addresses share one id ("5 Улица Ленина" and "5 Проспект Мира" both gave "5").
  const dropped = lettersOutsideSlug(folded);
  if (dropped.length > 0) {
    const named = dropped.slice(0, MAX_NAMED_LETTERS).join(', ') + (dropped.length > MAX_NAMED_LETTERS ? ', …' : '');
    const message =
      `"${address}" has letters a property id cannot hold (${named}): it is made of Latin letters a-z and digits ` +
      '(accents are dropped); write the address in Latin letters, as the sites list US addresses';
    throw new InvalidInputError('address', [{ path: 'address', message }]);
  }
  if (slug.length > MAX_PROPERTY_ID_LENGTH) {
    const message =
      `"${address.slice(0, 40)}…" (${address.length} characters) makes a property id of ${slug.length} characters; ` +
      `the longest is ${MAX_PROPERTY_ID_LENGTH} (it names a folder, at most 255 bytes): shorten the address`;
    throw new InvalidInputError('address', [{ path: 'address', message }]);
  }
  return slug as PropertyId;
}

/**
 * Reads an argument that names a property by its id or its address (the API's
 * `propertyId`, a CLI flag): the property id {@link toPropertyId} makes of it,
 * so an id and the address it came from name the same property.
 *
 * @param value - a property id or an address, as given
 * @param name - the argument's name, used in the error (default `propertyId`)
 * @returns the property id
 * @throws InvalidInputError (`BAD_USER_INPUT`) naming the argument when `value` has no Latin letter or digit or makes an id over {@link MAX_PROPERTY_ID_LENGTH} characters
 */
export function propertyIdArgument(value: string, name = 'propertyId'): PropertyId {
  try {
    return toPropertyId(value);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const issues = error.issues.map((i) => ({ path: name, message: `${i.message} (give a property id or an address)` }));
    throw new InvalidInputError('argument', issues, { cause: error });
  }
}

/**
 * Tells whether `value` is a property id as {@link toPropertyId} makes it:
 * lower-case letters and digits in dash-separated runs, 1 to
 * {@link MAX_PROPERTY_ID_LENGTH} characters. The image stores and the
 * `/images` route accept exactly these ids.
 *
 * @param value - a candidate id, e.g. a folder name or a URL segment
 * @returns `true` when it is a property id
 */
export function isPropertyId(value: string): value is PropertyId {
  return value.length <= MAX_PROPERTY_ID_LENGTH && PROPERTY_ID_RE.test(value);
}

/**
 * Checks and brands a content hash.
 *
 * @param value - 64 lower-case hex characters
 * @returns the same string, branded
 * @throws {@link InvalidInputError} when `value` is not a lower-case hex SHA-256
 */
export function toContentHash(value: string): ContentHash {
  if (!SHA256_RE.test(value)) {
    throw new InvalidInputError('content hash', [{ path: 'sha256', message: `"${value}" is not a hex SHA-256` }]);
  }
  return value as ContentHash;
}
