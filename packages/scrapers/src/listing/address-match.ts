const WORDS: Readonly<Record<string, string>> = Object.freeze({
  street: 'st',
  avenue: 'ave',
  av: 'ave',
  drive: 'dr',
  road: 'rd',
  boulevard: 'blvd',
  lane: 'ln',
  court: 'ct',
  circle: 'cir',
  place: 'pl',
  parkway: 'pkwy',
  highway: 'hwy',
  terrace: 'ter',
  trail: 'trl',
  way: 'way',
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  apartment: 'unit',
  apt: 'unit',
  suite: 'unit',
  ste: 'unit',
  no: 'unit',
});

/** The parts of a street address that identify a home. */
export interface AddressKey {
  /** The street line, normalised: lower case, no punctuation, `#`/`Apt`/`Suite` as `unit`, suffixes and directions abbreviated. */
  readonly street: string;
  /** The 5-digit ZIP or the Canadian postal code (upper case, no space), when the address has one; else `null`. */
  readonly postalCode: string | null;
}

/**
 * Reduces an address to what identifies the home: its normalised street
 * line and postal code.
 *
 * @param address - e.g. `1000 Plymouth Dr, Austin, TX 78758` or `829 E 14th Ave #2, Vancouver, BC V5T 2N5`
 * @returns the key
 */
export function addressKey(address: string): AddressKey {
  const [streetLine = ''] = address.split(',', 1);
  const zip = /\b(\d{5})(?:-\d{4})?\s*(?:,\s*(?:usa|us|united states))?\s*$/i.exec(address)?.[1];
  const postal = /\b([a-z]\d[a-z])\s?(\d[a-z]\d)\b/i.exec(address);
  const postalCode = zip ?? (postal === null ? null : `${postal[1]}${postal[2]}`.toUpperCase());
  return { street: normaliseStreet(streetLine), postalCode };
}

function normaliseStreet(streetLine: string): string {
  return streetLine
    .toLowerCase()
    .replace(/#/g, ' unit ')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => WORDS[w] ?? w)
    .join(' ')
    .replace(/\bunit unit\b/g, 'unit');
}

/**
 * Tells whether a site's address names the home of a searched address: the
 * same normalised street line (number, street, unit) as one of the site
 * address's leading parts that start with a house number (sites prefix
 * building names, e.g. `41 River Rd., 41 River Rd #A9, Brunswick, ME`), and
 * the same postal code when both give one.
 *
 * @param query - the address searched for
 * @param candidate - an address the site shows
 * @returns `true` when they match
 */
export function isSameAddress(query: string, candidate: string): boolean {
  const q = addressKey(query);
  const c = addressKey(candidate);
  if (q.street === '') return false;
  if (q.postalCode !== null && c.postalCode !== null && q.postalCode !== c.postalCode) return false;
  const parts = candidate.split(',').filter((part) => /^\s*\d/.test(part));
  return (parts.length > 0 ? parts : [candidate.split(',', 1)[0] ?? '']).some((part) => normaliseStreet(part) === q.street);
}
