export {
  PropertyCatalog,
  PROPERTIES_COLLECTION,
  SAMPLE_LABEL,
  MAX_PROPERTY_PAGE,
  encodePropertyCursor,
  decodePropertyCursor,
  toJobProperty,
} from './property-catalog.js';
export type {
  CatalogProperty,
  CatalogPropertyDocument,
  PropertyImportReport,
  PropertyFilter,
  PropertyPage,
  PropertyCatalogOptions,
  PropertySelection,
} from './property-catalog.js';
export { PropertyInUseError } from './property-in-use-error.js';
export { removeUnusedProperty } from './remove-property.js';
export type { ActiveJobsLookup } from './remove-property.js';
export { readListingUrl, listingIdOf, addressFromListingUrl, SUPPORTED_LISTING_SITES } from './listing-url.js';
