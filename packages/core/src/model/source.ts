import { InvalidInputError } from '../errors/index.js';

/** Every listing site phx extracts photos from, in default order. */
export const SOURCES = Object.freeze(['zillow', 'redfin'] as const);

/** A listing site: `zillow` or `redfin`. */
export type Source = (typeof SOURCES)[number];

/**
 * Tells whether `value` names a supported source (exact, lower case).
 *
 * @param value - any value
 * @returns `true` for `zillow` and `redfin`
 */
export function isSource(value: unknown): value is Source {
  return typeof value === 'string' && (SOURCES as readonly string[]).includes(value);
}

/**
 * Parses a list of source names (case-insensitive, surrounding blanks ignored,
 * duplicates dropped, input order kept). A missing list means every source; an
 * empty one is refused, so that "none" never silently reads them all (the CLI's
 * `--sources ""` is refused the same way).
 *
 * @param names - source names, e.g. `['Zillow', 'redfin']`, or `undefined` for every source
 * @returns the sources, never empty
 * @throws {@link InvalidInputError} (path `sources`) for an empty list, saying to leave it out for every source;
 *   (path `sources.<index>`) naming every unknown source
 */
export function parseSources(names: readonly string[] | undefined): Source[] {
  if (names === undefined) return [...SOURCES];
  if (names.length === 0) {
    const message = `is empty; name at least one source (${SOURCES.join(', ')}), or leave sources out (or null) to read every source`;
    throw new InvalidInputError('sources', [{ path: 'sources', message }]);
  }
  const out: Source[] = [];
  const issues = [];
  for (const [i, raw] of names.entries()) {
    const name = raw.trim().toLowerCase();
    if (isSource(name)) {
      if (!out.includes(name)) out.push(name);
    } else {
      issues.push({ path: `sources.${i}`, message: `unknown source "${raw}"; expected one of ${SOURCES.join(', ')}` });
    }
  }
  if (issues.length > 0) throw new InvalidInputError('sources', issues);
  return out;
}
