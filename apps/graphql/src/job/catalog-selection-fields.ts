import type { CatalogSelection } from '@phx/jobs';

/** The GraphQL fields of a catalog selection on `Job` and `Schedule`: `selectionLabel` and `selectionAll`. */
export interface CatalogSelectionFields {
  /** The label, or `null` when the selection is not a label's. */
  readonly selectionLabel: string | null;
  /** `true` for every catalog property. */
  readonly selectionAll: boolean;
}

/**
 * The `selectionLabel` and `selectionAll` fields of a job's or schedule's catalog selection.
 *
 * @param selection - the selection, or `null`/absent for named properties
 * @returns the label or `null`, and whether it is every property
 */
export function catalogSelectionFields(selection: CatalogSelection | null | undefined): CatalogSelectionFields {
  return {
    selectionLabel: selection != null && 'label' in selection ? selection.label : null,
    selectionAll: selection != null && 'all' in selection,
  };
}
