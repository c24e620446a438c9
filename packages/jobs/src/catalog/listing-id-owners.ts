import { SOURCES } from '@phx/core';
import type { InvalidPropertiesCsvRow, PropertiesCsvRow, Source } from '@phx/core';
import { listingIdOf } from './listing-url.js';

/**
 * Which property holds each listing, keyed by {@link listingKey}: read from
 * the catalog for the listings a CSV names.
 */
export type ListingOwners = ReadonlyMap<string, string>;

/**
 * The key of a listing in {@link ListingOwners}.
 *
 * @param source - the listing's site
 * @param listingId - its id (zpid, Redfin property id)
 * @returns `<source>:<listingId>`
 */
export function listingKey(source: Source, listingId: string): string {
  return `${source}:${listingId}`;
}

/**
 * The listings (site and id) of a property's listing URLs; a URL that is not
 * a listing of its site gives none.
 *
 * @param listingUrls - listing URL per site
 * @returns each site's listing id, in {@link SOURCES} order
 */
export function listingsOf(listingUrls: Partial<Record<Source, string>>): { readonly source: Source; readonly listingId: string }[] {
  return SOURCES.flatMap((source) => {
    const url = listingUrls[source];
    const listingId = url === undefined ? null : listingIdOf(source, url);
    return listingId === null ? [] : [{ source, listingId }];
  });
}

/**
 * Keeps one property per listing among a CSV's rows: a row naming a listing
 * that the catalog holds under another property, or that an earlier row
 * names, is refused with a reason naming that property and the listing id.
 *
 * @param rows - the rows whose listing URLs are listings of their columns' sites, in file order
 * @param owners - the catalog's holder of each listing the rows name
 * @returns the rows kept, and the refused ones with their line and reason
 */
export function refuseTakenListings(
  rows: readonly PropertiesCsvRow[],
  owners: ListingOwners,
): { readonly rows: PropertiesCsvRow[]; readonly invalid: InvalidPropertiesCsvRow[] } {
  const earlier = new Map<string, PropertiesCsvRow>();
  const kept: PropertiesCsvRow[] = [];
  const invalid: InvalidPropertiesCsvRow[] = [];
  for (const row of rows) {
    const reasons: string[] = [];
    const listings = listingsOf(row.property.listingUrls);
    for (const { source, listingId } of listings) {
      const key = listingKey(source, listingId);
      const stored = owners.get(key);
      const previous = earlier.get(key);
      const holder = stored !== undefined && stored !== row.property.id ? stored : previous?.property.id;
      if (holder === undefined || holder === row.property.id) continue;
      const line = stored === holder ? '' : ` (line ${previous?.line})`;
      reasons.push(`${source}_url names ${source} listing ${listingId}, which is already property "${holder}"${line}`);
    }
    if (reasons.length > 0) {
      invalid.push({ line: row.line, reason: reasons.join('; ') });
      continue;
    }
    kept.push(row);
    for (const { source, listingId } of listings) earlier.set(listingKey(source, listingId), row);
  }
  return { rows: kept, invalid };
}
