import { InvalidInputError } from '../errors/index.js';
import { MAX_PROPERTY_ID_LENGTH, isPropertyId } from '../model/ids.js';

const MAX_NAME_BYTES = 255;

/**
 * Explains what is wrong with `name` as one path segment of an image store,
 * or returns `null` when it is fine.
 */
function problemWith(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (/[/\\]/.test(name)) return `"${name}" contains a path separator`;
  if (name.includes('\0')) return `"${name}" contains a NUL character`;
  // A leading dot covers `.` and `..` and keeps the store's own hidden temporary files apart.
  if (name.startsWith('.')) return `"${name}" starts with a dot`;
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `"${name.slice(0, 20)}…" is longer than ${MAX_NAME_BYTES} bytes`;
  return null;
}

function notAPropertyId(propertyId: string): string {
  const shown = propertyId.length > 40 ? `${propertyId.slice(0, 40)}…` : propertyId;
  return `"${shown}" is not a property id (lower-case letters and digits in dash-separated runs, at most ${MAX_PROPERTY_ID_LENGTH} characters)`;
}

/**
 * Checks that the property id and the file name given to an image store are
 * each one plain path segment, so nothing can be written outside the
 * property's folder. Every `ImageStore` implementation calls it first.
 *
 * @param propertyId - the property folder name
 * @param fileName - the file name, e.g. `<sha256>.jpg`; omitted when only the folder is used (`list`)
 * @throws {@link InvalidInputError} naming each bad value: empty, containing
 *   `/`, `\` or NUL, starting with a dot (`.`, `..`, hidden names), or over 255 bytes;
 *   a property id that is not one `isPropertyId` accepts (the `/images` route serves the same ids)
 */
export function assertStorePath(propertyId: string, fileName?: string): void {
  const issues = [];
  const propertyProblem = problemWith(propertyId) ?? (isPropertyId(propertyId) ? null : notAPropertyId(propertyId));
  if (propertyProblem !== null) issues.push({ path: 'propertyId', message: `${propertyProblem}; use toPropertyId()` });
  const fileProblem = fileName === undefined ? null : problemWith(fileName);
  if (fileProblem !== null) issues.push({ path: 'fileName', message: `${fileProblem}; expected a plain name like <sha256>.jpg` });
  if (issues.length > 0) throw new InvalidInputError('image store path', issues);
}
