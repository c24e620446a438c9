/** The EnqueueExtractionInput the catalog's "Extract selected" sends. */
export interface ExtractionInput {
  readonly propertyIds: string[];
  readonly sources: string[];
}

/**
 * Builds the extraction of the selected catalog rows. No ticked source is refused here, before the API would refuse the
 * empty list: unticking both must not read both.
 *
 * @param propertyIds - the selected property ids
 * @param sources - the ticked source names
 * @returns the input, or the problem to show (nothing is sent then)
 */
export function toExtractionInput(
  propertyIds: readonly string[],
  sources: readonly string[],
): { readonly input: ExtractionInput } | { readonly problem: string } {
  if (propertyIds.length === 0) return { problem: 'Select at least one property.' };
  if (sources.length === 0) return { problem: 'Choose at least one source.' };
  return { input: { propertyIds: [...propertyIds], sources: [...sources] } };
}
