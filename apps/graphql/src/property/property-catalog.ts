import type { Property } from '@phx/core';
import { loadPropertiesCsv, selectProperties } from '@phx/core';

/** Which catalog properties a request means: every one, or some by address. */
export type PropertySelection = { readonly all: true } | { readonly addresses: readonly string[] };

/**
 * The properties the API knows: the catalog CSV (address plus listing URLs).
 * Enqueue requests name catalog properties by address.
 */
export interface PropertyCatalog {
  /**
   * Lists every catalog property.
   *
   * @returns the properties in catalog order
   */
  list(): Promise<readonly Property[]>;
  /**
   * Resolves a selection against the catalog.
   *
   * @param selection - `{ all: true }` or `{ addresses }`
   * @returns the selected properties, in request order for addresses, duplicates dropped
   * @throws NotFoundError naming the first address that is not in the catalog
   */
  select(selection: PropertySelection): Promise<readonly Property[]>;
}

/** Options of {@link createPropertyCatalog}. */
export interface PropertyCatalogOptions {
  /**
   * Loads the catalog. Called on each `list`/`select`, so edits to the CSV
   * show without a restart; it should be cheap (a small CSV is).
   */
  readonly load: () => Promise<readonly Property[]>;
}

/**
 * Makes a catalog over a loader (a fixed list in tests). Addresses match as
 * core's `selectProperties` matches them: by property id, so case,
 * punctuation and spacing do not matter.
 *
 * @param options - the loader
 * @returns the catalog
 * @example
 * ```ts
 * import type { Property } from '@phx/core';
 * declare const properties: Property[];
 * const catalog = createPropertyCatalog({ load: async () => properties });
 * await catalog.select({ addresses: ['4732 W Davis Rd, Glendale, AZ 85306'] });
 * ```
 */
export function createPropertyCatalog(options: PropertyCatalogOptions): PropertyCatalog {
  return {
    list: () => options.load(),
    async select(selection) {
      const properties = await options.load();
      return 'all' in selection ? properties : selectProperties(properties, selection.addresses);
    },
  };
}

/**
 * Makes the catalog of a properties CSV (columns `address`, `zillow_url`,
 * `redfin_url`), re-read on each call.
 *
 * @param csvPath - absolute path of the CSV
 * @returns the catalog; its calls reject with core's `InvalidInputError` for a bad CSV and the file system's error for a missing one
 */
export function createCsvPropertyCatalog(csvPath: string): PropertyCatalog {
  return createPropertyCatalog({ load: () => loadPropertiesCsv(csvPath) });
}
