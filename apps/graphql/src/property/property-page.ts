import { InvalidInputError, type Property } from '@phx/core';

/** Largest page of the `properties` query. */
export const MAX_PROPERTY_PAGE_SIZE = 100;
/** Page size of the `properties` query when `first` is not given. */
export const DEFAULT_PROPERTY_PAGE_SIZE = 20;

/** Which page of the catalog to read. */
export interface PropertyPageQuery {
  /** Page size, 1..{@link MAX_PROPERTY_PAGE_SIZE}. */
  readonly first: number;
  /** Cursor of the property to continue after (an edge's cursor); absent for the first page. */
  readonly after?: string | undefined;
}

/** A page of catalog properties, in catalog order. */
export interface PropertyPage {
  /** The properties of the page, each with its opaque cursor. */
  readonly edges: readonly { readonly cursor: string; readonly property: Property }[];
  /** `true` when more properties follow. */
  readonly hasNextPage: boolean;
}

/**
 * The opaque cursor of a catalog property: its id, base64url-encoded.
 *
 * @param property - the property
 * @returns the cursor
 */
export function propertyCursor(property: Property): string {
  return Buffer.from(`property:${property.id}`, 'utf8').toString('base64url');
}

/**
 * Cuts a page out of the catalog: the `first` properties after the one
 * `after` names, in catalog order (a stable order while the CSV is unchanged).
 *
 * @param properties - the whole catalog, in order
 * @param query - page size and cursor
 * @returns the page
 * @throws {@link InvalidInputError} naming `first` out of 1..100, or an `after` cursor no catalog property has
 */
export function pageProperties(properties: readonly Property[], query: PropertyPageQuery): PropertyPage {
  const issues: { path: string; message: string }[] = [];
  if (!Number.isInteger(query.first) || query.first < 1 || query.first > MAX_PROPERTY_PAGE_SIZE) {
    issues.push({ path: 'first', message: `page size ${query.first} is out of range; expected 1..${MAX_PROPERTY_PAGE_SIZE}` });
  }
  let start = 0;
  if (query.after !== undefined) {
    const index = properties.findIndex((p) => propertyCursor(p) === query.after);
    if (index < 0)
      issues.push({ path: 'after', message: `cursor "${query.after}" names no catalog property; pass an endCursor of an earlier page` });
    start = index + 1;
  }
  if (issues.length > 0) throw new InvalidInputError('properties arguments', issues);
  const slice = properties.slice(start, start + query.first);
  return {
    edges: slice.map((property) => ({ cursor: propertyCursor(property), property })),
    hasNextPage: start + slice.length < properties.length,
  };
}
