import type { JobOriginFields } from '../repository/job-document.js';
import type { CatalogSelection } from '../repository/job-document.js';
import type { EnqueueExtractionInput, ExtractionOptionsInput } from '../service/enqueue-extraction-input.js';
import type { PropertySelection } from './catalog-property.js';
import type { PropertyCatalog } from './property-catalog.js';

/** The two ways of enqueueing {@link enqueueCatalogSelection} chooses between: `JobService` has both. */
export interface CatalogSelectionEnqueuer<J> {
  /** A job with its property list (see `JobService.enqueueExtraction`). */
  enqueueExtraction(input: EnqueueExtractionInput, origin?: JobOriginFields): Promise<J>;
  /** A job whose worker lists a catalog selection (see `JobService.enqueueSelection`). */
  enqueueSelection(input: ExtractionOptionsInput & { readonly selection: CatalogSelection }, origin?: JobOriginFields): Promise<J>;
}

/**
 * Enqueues an extraction of catalog properties the way its size calls for:
 * a selection that can be as large as the catalog (`all`, a `label`) is
 * checked (one document read) and enqueued at once with
 * `JobService.enqueueSelection`, its property list written by the worker that
 * takes the job up; ids, addresses and listing URLs (bounded by the request)
 * are selected now (new ones join the catalog) and enqueued with their list.
 * What GraphQL's `enqueueExtraction` and the schedules' ticks do.
 *
 * @param catalog - the catalog
 * @param jobs - the job service
 * @param selection - see `PropertySelection`
 * @param options - sources, isolation mode, fetch mode, dry run
 * @param origin - who asks; default interactive
 * @returns the job (PENDING) as the enqueuer returns it (`JobService`: or the pending equal one, `deduplicated`)
 * @throws core's InvalidInputError / NotFoundError as `PropertyCatalog.select` throws them, and for bad options
 * @throws JobQueueError when the job could not be queued
 *
 * @example
 * ```ts
 * import type { JobService } from '@phx/jobs';
 * import { PropertyCatalog } from './property-catalog.js';
 * declare const catalog: PropertyCatalog, jobs: JobService;
 * const job = await enqueueCatalogSelection(catalog, jobs, { label: 'phoenix-2025' }, { sources: ['zillow'], dryRun: true });
 * ```
 */
export async function enqueueCatalogSelection<J>(
  catalog: PropertyCatalog,
  jobs: CatalogSelectionEnqueuer<J>,
  selection: PropertySelection,
  options: ExtractionOptionsInput,
  origin?: JobOriginFields,
): Promise<J> {
  const large = await catalog.catalogSelectionOf(selection);
  const given = origin === undefined ? [] : ([origin] as const);
  if (large !== null) return jobs.enqueueSelection({ selection: large, ...options }, ...given);
  return jobs.enqueueExtraction({ properties: await catalog.select(selection), ...options }, ...given);
}
