import { NotFoundError } from '@phx/core';
import type { CatalogProperty, PropertyCatalog } from './property-catalog.js';
import { toPropertyLabels } from './property-label.js';

/** What {@link addCatalogProperty} adds: a street address, or a Zillow or Redfin listing URL (the address then comes from the URL). */
export type PropertyToAdd = { readonly address: string } | { readonly listingUrl: string };

/**
 * Adds a property to the catalog, or finds the record it already is, and adds
 * labels to it. What the CLI's `properties add` and GraphQL's `addProperty` do.
 * The labels are checked before anything is written.
 *
 * @param catalog - the catalog
 * @param target - the address, or the listing URL (stored without user info or fragment)
 * @param labels - labels to add, as given (stored trimmed and lower-case); may be empty
 * @returns the property's record as stored afterwards
 * @throws core's InvalidInputError (`BAD_USER_INPUT`) for a label the label rule refuses (naming it and the rule), an address
 *   without letter or digit, or a URL of an unsupported site
 */
export async function addCatalogProperty(
  catalog: PropertyCatalog,
  target: PropertyToAdd,
  labels: readonly string[],
): Promise<CatalogProperty> {
  const checked = toPropertyLabels(labels);
  const [property] = await catalog.select('address' in target ? { addresses: [target.address] } : { listingUrls: [target.listingUrl] });
  if (property === undefined) throw new NotFoundError('property', 'address' in target ? target.address : target.listingUrl);
  if (checked.length > 0) await catalog.upsert([property], checked);
  const stored = await catalog.get(property.id);
  if (stored === null) throw new NotFoundError('property', property.id, { where: 'the catalog' });
  return stored;
}
