import type { FetchMode, PageFetchMode } from '../gql/graphql.js';
import { enumWords } from './format.js';

/**
 * Says what served each source's listing page of a property, for its outcome row.
 *
 * @param fetchModes - the outcome's `fetchModes`, in the order the sources were read
 * @returns e.g. "pages: zillow by http · redfin by browser"; `null` when no source said (nothing to show)
 */
export function servedByWords(fetchModes: readonly { readonly source: string; readonly mode: PageFetchMode }[]): string | null {
  if (fetchModes.length === 0) return null;
  return `pages: ${fetchModes.map((f) => `${f.source} by ${enumWords(f.mode)}`).join(' · ')}`;
}

/**
 * Says how a job fetches its listing pages, for the job page's header.
 *
 * @param fetchMode - the job's `fetchMode`; `null` when it takes the worker's `FETCH_MODE`
 * @returns e.g. "http fetch", "worker's default fetch"
 */
export function jobFetchModeWords(fetchMode: FetchMode | null): string {
  return fetchMode === null ? "worker's default fetch" : `${enumWords(fetchMode)} fetch`;
}
