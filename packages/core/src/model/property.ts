import type { PropertyId } from './ids.js';
import type { Source } from './source.js';

/**
 * A home whose listing photos are wanted. Comes from the user's properties
 * CSV (address plus optional listing URLs) or from an API/CLI request.
 */
export interface Property {
  /** Slug of the address; see `toPropertyId`. */
  readonly id: PropertyId;
  /** Street address as the user wrote it. */
  readonly address: string;
  /**
   * Listing page URL per source, when known. A source without a URL is
   * resolved from the address by that source's scraper (when it can) or
   * fails for that property.
   */
  readonly listingUrls: Readonly<Partial<Record<Source, string>>>;
}
