export { PropertyCatalog, PROPERTIES_COLLECTION, SAMPLE_LABEL } from './property-catalog.js';
export { MAX_PROPERTY_PAGE, encodePropertyCursor, decodePropertyCursor, toJobProperty } from './catalog-property.js';
export type {
  CatalogProperty,
  CatalogPropertyDocument,
  PropertyImportReport,
  PropertyFilter,
  PropertyPage,
  PropertyCatalogOptions,
  PropertySelection,
} from './catalog-property.js';
export { PropertyInUseError } from './property-in-use-error.js';
export { removeUnusedProperty } from './remove-property.js';
export { addCatalogProperty } from './add-property.js';
export { ListingIdTakenError } from './listing-id-taken-error.js';
export { addressIssues, propertyIdIssue, selectionMixIssue } from './selection-issues.js';
export type { PropertyToAdd } from './add-property.js';
export { toPropertyLabel, toPropertyLabels, MAX_PROPERTY_LABEL_LENGTH, PROPERTY_LABEL_RULE } from './property-label.js';
export type { ActiveJobsLookup } from './remove-property.js';
export { readListingUrl, listingIdOf, addressFromListingUrl, SUPPORTED_LISTING_SITES } from './listing-url.js';
export { enqueueCatalogSelection } from './enqueue-catalog-selection.js';
export type { CatalogSelectionEnqueuer } from './enqueue-catalog-selection.js';
