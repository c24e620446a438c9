import type { Source } from '@phx/core';
import { JobError } from '../errors/index.js';

/**
 * A listing (a Zillow zpid, a Redfin property id) is already another catalog
 * property's: a listing belongs to one property, else a job would store one
 * house's photos under another's address. Code `LISTING_ID_TAKEN` (GraphQL
 * `CONFLICT`); use that property, or remove the listing URL from it first.
 */
export class ListingIdTakenError extends JobError {
  /** The site of the listing. */
  readonly source: Source;
  /** The listing id, as read from the URL. */
  readonly listingId: string;
  /** The catalog property that already has the listing. */
  readonly propertyId: string;
  /** The property the listing was given to (the address its URL spells). */
  readonly wantedPropertyId: string;

  /**
   * @param source - the listing's site
   * @param listingId - the listing id
   * @param propertyId - the property that already has it
   * @param wantedPropertyId - the property it was given to
   */
  constructor(source: Source, listingId: string, propertyId: string, wantedPropertyId: string) {
    super(
      'LISTING_ID_TAKEN',
      `The ${source} listing ${listingId} is already property "${propertyId}", not "${wantedPropertyId}": ` +
        `use that property, or check the listing URL`,
      null,
      'permanent',
    );
    this.source = source;
    this.listingId = listingId;
    this.propertyId = propertyId;
    this.wantedPropertyId = wantedPropertyId;
  }
}
