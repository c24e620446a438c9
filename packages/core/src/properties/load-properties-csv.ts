import { readFile } from 'node:fs/promises';
import { InvalidInputError, NotFoundError } from '../errors/index.js';
import type { Property } from '../model/property.js';
import { parsePropertiesCsv } from './parse-properties-csv.js';

/**
 * Reads and parses a properties CSV file (UTF-8); see {@link parsePropertiesCsv}.
 *
 * @param path - path of the CSV file
 * @returns the properties in file order
 * @throws {@link NotFoundError} (`entity` `properties file`) when the file does not exist
 * @throws {@link InvalidInputError} listing every bad row, named by the path and line, or when `path` is a folder
 * @example
 * ```ts
 * const properties = await loadPropertiesCsv('data/properties.csv');
 * ```
 */
export async function loadPropertiesCsv(path: string): Promise<Property[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ENOENT') throw new NotFoundError('properties file', path, { key: 'path', cause: error });
    if (code === 'EISDIR') {
      throw new InvalidInputError('properties file', [{ path, message: 'is a folder; give the path of a CSV file' }], { cause: error });
    }
    throw error;
  }
  return parsePropertiesCsv(text, { name: `properties CSV ${path}` });
}
