import { InvalidInputError, toPropertyId } from '@phx/core';
import type { InputIssue } from '@phx/core';

/**
 * Checks a value given as a property id: ids are made by core's
 * `toPropertyId` from addresses, so a value that is not its own normalised
 * form (`../x`, `Bad Id`, an address) can never name a property.
 *
 * @param value - the id as given
 * @param path - the argument's name in the issue, e.g. `propertyIds.0`
 * @returns the issue naming the value, or `null` for a well-formed id
 */
export function propertyIdIssue(value: string, path: string): InputIssue | null {
  let id: string | null;
  try {
    id = toPropertyId(value);
  } catch {
    id = null;
  }
  if (id === value) return null;
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return {
    path,
    message:
      `"${shown}" is not a property id, so no property has it: an id is the lower-case slug of an address ` +
      '(letters a-z and digits joined by "-", e.g. 4732-w-davis-rd-glendale-az-85306); give an address as an address',
  };
}

/**
 * Checks a value given as an address: what core's `toPropertyId` refuses in
 * it (over its length limit, no Latin letter or digit, letters an id would
 * drop, a control or invisible character), so that a request with several
 * bad addresses names each, not only the first.
 *
 * @param value - the address as given
 * @param path - the argument's name in the issues, e.g. `addresses.2`
 * @returns the issues, each with `path`; empty for an address that makes a property id
 * @throws what `toPropertyId` throws other than `InvalidInputError` (nothing expected)
 */
export function addressIssues(value: string, path: string): InputIssue[] {
  try {
    toPropertyId(value);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return error.issues.map((issue) => ({ path, message: issue.message }));
  }
}

/**
 * Checks that a property selection is of one kind: any of the lists
 * together, or a label alone, or all alone.
 *
 * @param given - the names of the parts given, in the input's order (e.g. `["label", "all"]`)
 * @param lists - the names of the list parts, which may come together (e.g. `["propertyIds", "addresses", "listingUrls"]`)
 * @returns an issue whose path and message name the parts given together, or `null` when they are of one kind
 */
export function selectionMixIssue(given: readonly string[], lists: readonly string[]): InputIssue | null {
  const kinds = new Set(given.map((name) => (lists.includes(name) ? 'lists' : name)));
  if (kinds.size <= 1) return null;
  const named = `${given.slice(0, -1).join(', ')} and ${given.at(-1) ?? ''}`;
  return {
    path: given.join('|'),
    message: `${named} given together; give ${lists.join('/')} (together if you like), or a label alone, or all alone`,
  };
}
