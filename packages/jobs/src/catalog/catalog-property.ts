import { InvalidInputError, MAX_PROPERTY_LABELS, SOURCES, assertWithinLimits, limitIssue, toPropertyId } from '@phx/core';
import type { Clock, InvalidPropertiesCsvRow, Property, Source } from '@phx/core';
import type { Db } from 'mongodb';
import { listingsOf } from './listing-id-owners.js';
import { storableListingUrl } from './listing-url.js';

/**
 * A property of the catalog (collection `properties`). The job's own snapshot
 * of it is core's `Property` ({@link toJobProperty}). Per-source last
 * extractions (`lastExtractions`) are read from the outcomes, not stored here.
 */
export interface CatalogProperty {
  /** Property id: core's `toPropertyId(address)`, the normalised address. Also the document's `_id`. */
  readonly id: string;
  /** Street address as first given. */
  readonly address: string;
  /** Listing page URL per source, when known. */
  readonly listingUrls: Readonly<Partial<Record<Source, string>>>;
  /** Listing id per source read from its URL (Zillow zpid, Redfin property id). */
  readonly listingIds: Readonly<Partial<Record<Source, string>>>;
  /** Named lists the property is on, sorted, no duplicates. */
  readonly labels: readonly string[];
  /** When the record was added. */
  readonly createdAt: Date;
  /** When its listing URLs or labels last changed (equal to `createdAt` until then). */
  readonly updatedAt: Date;
}

/** The stored document: {@link CatalogProperty} with `_id` in place of `id`. */
export type CatalogPropertyDocument = Omit<CatalogProperty, 'id'> & { readonly _id: string };

/** What one import did: counts, and each refused row with its line number and reason. */
export interface PropertyImportReport {
  /** Rows whose property was new to the catalog. */
  readonly added: number;
  /** Rows that changed a record (a new listing URL or label). */
  readonly updated: number;
  /** Rows the catalog already held as they are (or that a concurrent import inserted first). */
  readonly unchanged: number;
  /** Rows refused, each with its line (the header is line 1) and reason; the other rows were imported. */
  readonly invalid: readonly InvalidPropertiesCsvRow[];
  /** Ids of the rows imported (added, updated or unchanged), in file order. */
  readonly ids: readonly string[];
}

/** Filter of {@link PropertyCatalog.list}; every given part must match. */
export interface PropertyFilter {
  /** Substring of the address, case-insensitive (taken literally, not as a pattern). */
  readonly search?: string;
  /** A label the property has, in any case (checked by the label rule: a malformed one is BAD_USER_INPUT). */
  readonly label?: string;
  /** A source the property has a listing URL for. */
  readonly source?: Source;
}

/** One page of {@link PropertyCatalog.list}, ordered by id. */
export interface PropertyPage {
  /** The page's properties, ordered by id. */
  readonly nodes: readonly CatalogProperty[];
  /** How many properties match the filter, over every page. */
  readonly totalCount: number;
  /** `true` when more properties follow this page. */
  readonly hasNextPage: boolean;
  /** Cursor of the last node, or `null` for an empty page. */
  readonly endCursor: string | null;
}

/**
 * Which properties an extraction is for: a union of `ids`, `addresses` and
 * `listingUrls`; or `label` alone; or `all` alone.
 */
export interface PropertySelection {
  /** Catalog property ids (core's `toPropertyId` slugs); one that no address makes is BAD_USER_INPUT, an unknown one NOT_FOUND. */
  readonly ids?: readonly string[];
  /** Addresses; one not in the catalog is added (its listing is found by the sites' address search at run time). */
  readonly addresses?: readonly string[];
  /** Listing URLs of Zillow or Redfin; one whose listing id is not in the catalog is added with the address of its slug. */
  readonly listingUrls?: readonly string[];
  /** Every property with this label, in any case (checked by the label rule: a malformed one is BAD_USER_INPUT; one no property has, NOT_FOUND). */
  readonly label?: string;
  /** Every property of the catalog. */
  readonly all?: boolean;
}

/** Options of {@link PropertyCatalog}. */
export interface PropertyCatalogOptions {
  /** Database holding the collection. Borrowed: never closed here. */
  readonly db: Db;
  /** Clock of `createdAt`/`updatedAt`; default the system clock. */
  readonly clock?: Clock;
}

/** Largest `first` of a page. */
export const MAX_PROPERTY_PAGE = 100;

/** Encodes an opaque cursor (base64 of the property id). */
export function encodePropertyCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64');
}

/**
 * Decodes a cursor of {@link encodePropertyCursor}.
 *
 * @throws InvalidInputError (`BAD_USER_INPUT`) when it is not one
 */
export function decodePropertyCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64').toString('utf8');
  if (id === '' || encodePropertyCursor(id) !== cursor) {
    throw new InvalidInputError('cursor', [{ path: 'after', message: `"${cursor}" is not a cursor of this list; pass an endCursor` }]);
  }
  return id;
}

/** Core's `Property` (the job's snapshot) of a catalog property. */
export function toJobProperty(property: CatalogProperty): Property {
  return { id: toPropertyId(property.address), address: property.address, listingUrls: property.listingUrls };
}

/** Listing URLs as the catalog stores them (see `storableListingUrl`). */
export function storableListingUrls(urls: Partial<Record<Source, string>>): Partial<Record<Source, string>> {
  return Object.fromEntries(Object.entries(urls).map(([source, url]) => [source, storableListingUrl(url)]));
}

/** The listing id per site of listing URLs; a URL that is no listing of its site gives none. */
export function listingIdsOf(urls: Partial<Record<Source, string>>): Partial<Record<Source, string>> {
  return Object.fromEntries(listingsOf(urls).map(({ source, listingId }) => [source, listingId]));
}

/** The stored fields of a property new to the catalog. */
export function newRecord(property: Property, labels: readonly string[], now: Date): Omit<CatalogPropertyDocument, '_id'> {
  return {
    address: property.address,
    listingUrls: { ...property.listingUrls },
    listingIds: listingIdsOf(property.listingUrls),
    labels: [...new Set(labels)].sort(),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The changed fields of a record given a property again, or `null` when nothing changes.
 *
 * @throws core's `InputTooLongError` (`BAD_USER_INPUT`) when the record would carry more than `MAX_PROPERTY_LABELS` labels
 */
export function mergeRecord(
  doc: CatalogPropertyDocument,
  property: Property,
  labels: readonly string[],
): Pick<CatalogPropertyDocument, 'listingUrls' | 'listingIds' | 'labels'> | null {
  const listingUrls = { ...doc.listingUrls, ...property.listingUrls };
  const merged = [...new Set([...doc.labels, ...labels])].sort();
  assertWithinLimits('labels', [limitIssue(`${doc._id}.labels`, merged, MAX_PROPERTY_LABELS)]);
  const same = SOURCES.every((s) => listingUrls[s] === doc.listingUrls[s]) && merged.length === doc.labels.length;
  return same ? null : { listingUrls, listingIds: listingIdsOf(listingUrls), labels: merged };
}

/** The catalog property of a stored document. */
export function fromDocument(doc: CatalogPropertyDocument): CatalogProperty {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}
