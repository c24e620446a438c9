import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors/index.js';
import type { Brand } from './brand.js';

/** Id of an extraction job: a UUID string. */
export type JobId = Brand<string, 'JobId'>;
/** Id of a property: a lower-case slug of its address, e.g. `4732-w-davis-rd-glendale-az-85306`. */
export type PropertyId = Brand<string, 'PropertyId'>;
/** Lower-case hex SHA-256 of a photo's original bytes (64 characters): its content address. */
export type ContentHash = Brand<string, 'ContentHash'>;

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
 * Derives the property id from a street address: lower case, runs of anything
 * but letters and digits become one `-`. The same address always gives the
 * same id, so it names the property's folder in the image store.
 *
 * @param address - street address, e.g. `4732 W Davis Rd, Glendale, AZ 85306`
 * @returns the slug, e.g. `4732-w-davis-rd-glendale-az-85306`
 * @throws {@link InvalidInputError} when the address has no letter or digit
 */
export function toPropertyId(address: string): PropertyId {
  const slug = address
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length === 0) {
    throw new InvalidInputError('address', [{ path: 'address', message: `"${address}" has no letter or digit` }]);
  }
  return slug as PropertyId;
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
