import { readFile } from 'node:fs/promises';
import { InvalidInputError, NotFoundError } from '../errors/index.js';
import type { Property } from '../model/property.js';
import { decodeUtf8Lines } from './decode-utf8-lines.js';
import { parsePropertiesCsv } from './parse-properties-csv.js';

/**
 * Reads the text of a properties CSV file, which must be UTF-8 (a file in
 * another encoding is refused, never read with U+FFFD in place of its letters).
 *
 * @param path - path of the CSV file
 * @returns the text
 * @throws {@link NotFoundError} (`entity` `properties file`) when the file does not exist
 * @throws {@link InvalidInputError} naming the path and each line that is not UTF-8 (first bad byte and column), or when `path` is a folder
 * @example
 * ```ts
 * const text = await readPropertiesCsvFile('data/properties.csv');
 * ```
 */
export async function readPropertiesCsvFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') throw new NotFoundError('properties file', path, { key: 'path', cause: error });
    if (code === 'EISDIR') {
      throw new InvalidInputError('properties file', [{ path, message: 'is a folder; give the path of a CSV file' }], { cause: error });
    }
    throw error;
  }
  return decodeUtf8Lines(bytes, `properties CSV ${path}`);
}

/**
 * Reads and parses a properties CSV file, which must be UTF-8; see
 * {@link readPropertiesCsvFile} and {@link parsePropertiesCsv}.
 *
 * @param path - path of the CSV file
 * @returns the properties in file order
 * @throws {@link NotFoundError} (`entity` `properties file`) when the file does not exist
 * @throws {@link InvalidInputError} listing every bad row, named by the path and line (bytes that are not
 *   UTF-8: each such line with the first bad byte and its column), or when `path` is a folder
 * @example
 * ```ts
 * const properties = await loadPropertiesCsv('data/properties.csv');
 * ```
 */
export async function loadPropertiesCsv(path: string): Promise<Property[]> {
  return parsePropertiesCsv(await readPropertiesCsvFile(path), { name: `properties CSV ${path}` });
}
