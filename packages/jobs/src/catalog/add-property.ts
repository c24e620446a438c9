import { NotFoundError, toPropertyId } from '@phx/core';
import { ListingIdTakenError } from './listing-id-taken-error.js';
import { addressFromListingUrl, readListingUrl, storableListingUrl } from './listing-url.js';
import type { CatalogProperty } from './catalog-property.js';
import type { PropertyCatalog } from './property-catalog.js';
import { toPropertyLabels } from './property-label.js';

/** What {@link addCatalogProperty} adds: a street address, or a Zillow or Redfin listing URL (the address then comes from the URL). */
export type PropertyToAdd = { readonly address: string } | { readonly listingUrl: string };

/**
 * Adds a property to the catalog, or finds the record it already is, and adds
 * labels to it. What the CLI's `properties add` and GraphQL's `addProperty` do.
 * The labels are checked before anything is written. A listing URL whose
 * listing the catalog holds is that property when the URL spells no address
 * or that property's; one spelling another address is refused, as a listing
 * belongs to one property (a selection for a job, by contrast, just uses the
 * property holding it).
 *
 * @param catalog - the catalog
 * @param target - the address, or the listing URL (stored without user info or fragment)
 * @param labels - labels to add, as given (stored trimmed and lower-case); may be empty
 * @returns the property's record as stored afterwards
 * @throws core's InvalidInputError (`BAD_USER_INPUT`) for a label the label rule refuses (naming it and the rule), an address
 *   without Latin letter or digit, or a URL of an unsupported site
 * @throws {@link ListingIdTakenError} (`LISTING_ID_TAKEN`, GraphQL `CONFLICT`) naming the property that holds the URL's listing
 *   when the URL spells another address; nothing is written
 */
export async function addCatalogProperty(
  catalog: PropertyCatalog,
  target: PropertyToAdd,
  labels: readonly string[],
): Promise<CatalogProperty> {
  const checked = toPropertyLabels(labels);
  if ('listingUrl' in target) await refuseListingOfAnother(catalog, target.listingUrl);
  const [property] = await catalog.select('address' in target ? { addresses: [target.address] } : { listingUrls: [target.listingUrl] });
  if (property === undefined) throw new NotFoundError('property', 'address' in target ? target.address : target.listingUrl);
  if (checked.length > 0) await catalog.upsert([property], checked);
  const stored = await catalog.get(property.id);
  if (stored === null) throw new NotFoundError('property', property.id, { where: 'the catalog' });
  return stored;
}

/** Throws when the listing of `url` is held by a property other than the one its address slug names. */
async function refuseListingOfAnother(catalog: PropertyCatalog, url: string): Promise<void> {
  const { source, listingId } = readListingUrl(storableListingUrl(url));
  const holder = await catalog.findByListingId(source, listingId);
  const spelled = addressFromListingUrl(url);
  if (holder === null || spelled === null) return;
  const wanted = toPropertyId(spelled);
  if (wanted !== holder.id) throw new ListingIdTakenError(source, listingId, holder.id, wanted);
}
