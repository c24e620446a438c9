import { arrayAt, isRecord, isSameAddress, recordAt, stringAt } from '../listing/index.js';
import { parseRedfinApiBody } from './redfin-server-state.js';

/** Path of Redfin's location autocomplete API, the one its search box calls. */
const REDFIN_AUTOCOMPLETE_PATH = '/stingray/do/location-autocomplete';

/** One row of Redfin's location autocomplete. */
export interface RedfinAutocompleteRow {
  /** Row id, e.g. `1_155809679`. */
  readonly id: string;
  /** Row type: `1` is an address (a home); others are places, schools, agents. */
  readonly type: string;
  /** The street line, e.g. `829 E 14th Ave`. */
  readonly name: string;
  /** The rest of the address, e.g. `Vancouver, BC, Canada`. */
  readonly subName: string;
  /** The home page path, e.g. `/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679`. */
  readonly url: string;
}

/**
 * Chooses the Redfin site of an address: `www.redfin.ca` for a Canadian
 * address (postal code or province), else `www.redfin.com`.
 *
 * @param address - a street address
 * @returns the host name
 */
export function redfinHostForAddress(address: string): string {
  const canadian = /\b[a-z]\d[a-z]\s?\d[a-z]\d\b/i.test(address) || /,\s*(AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)\b/.test(address);
  return canadian ? 'www.redfin.ca' : 'www.redfin.com';
}

/**
 * The autocomplete URL for an address, as Redfin's search box asks it.
 *
 * @param address - a street address
 * @returns the absolute https URL on the address's Redfin site
 */
export function redfinAutocompleteUrl(address: string): string {
  return `https://${redfinHostForAddress(address)}${REDFIN_AUTOCOMPLETE_PATH}?location=${encodeURIComponent(address.trim())}&v=2`;
}

function rowOf(value: unknown): RedfinAutocompleteRow | null {
  if (!isRecord(value)) return null;
  const url = stringAt(value, 'url');
  const name = stringAt(value, 'name');
  if (url === undefined || name === undefined) return null;
  const type = value['type'];
  return { id: String(value['id'] ?? ''), type: String(type ?? ''), name, subName: stringAt(value, 'subName') ?? '', url };
}

/**
 * Reads the rows of a location autocomplete answer (with or without the
 * `{}&&` prefix): `payload.exactMatch` first, then every section's rows.
 *
 * @param body - the API body
 * @returns the rows, exact match first; empty when Redfin knows no such place
 * @throws Error when the body is not an autocomplete answer
 */
export function parseRedfinAutocomplete(body: string): readonly RedfinAutocompleteRow[] {
  const payload = recordAt(parseRedfinApiBody(body), 'payload');
  if (payload === undefined) throw new Error('the autocomplete answer has no payload');
  const rows: RedfinAutocompleteRow[] = [];
  const exact = rowOf(payload['exactMatch']);
  if (exact !== null) rows.push(exact);
  for (const section of arrayAt(payload, 'sections') ?? []) {
    for (const row of arrayAt(section, 'rows') ?? []) {
      const r = rowOf(row);
      if (r !== null && !rows.some((x) => x.url === r.url)) rows.push(r);
    }
  }
  return rows;
}

/**
 * Picks the home of an address among autocomplete rows: an address row
 * (type `1`) whose street line and postal code match.
 *
 * @param address - the address searched for
 * @param rows - the autocomplete rows
 * @param host - the Redfin host the rows came from
 * @returns the home page URL, or `null` when none matches
 */
export function matchRedfinAutocomplete(address: string, rows: readonly RedfinAutocompleteRow[], host: string): string | null {
  const hit = rows.find((r) => r.type === '1' && /\/home\/\d+\/?$/.test(r.url) && isSameAddress(address, `${r.name}, ${r.subName}`));
  return hit === undefined ? null : new URL(hit.url, `https://${host}`).href;
}
