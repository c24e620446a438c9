import { pickCounters } from '@phx/core';
import type { Clock, Property } from '@phx/core';
import { describeError } from '../errors/index.js';
import type { JobRunEnd } from '../repository/job-repository.js';
import { RunStoppedError } from './run-stopped-error.js';
import type { RunStopReason } from './run-stopped-error.js';
import { PropertyCatalog } from '../catalog/property-catalog.js';
import type { JobRepository } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';
import { JOB_PROPERTY_CHUNK_SIZE } from '../repository/job-property-store.js';

/** What {@link listCatalogSelection} needs. */
export interface SelectionListing {
  /** The job as its run started it (`in_progress`, `runNumber` = the run's, `catalogSelection` set). */
  readonly job: StoredExtractionJob;
  /** The jobs and their property store; the catalog is read from the same database. */
  readonly repository: JobRepository;
  /** Aborted when the run stops (cancel, timeout, shutdown): the listing throws the signal's reason at once, even mid-read. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Called after each chunk of the list is written (the run's `JOB_TIMEOUT` counts it as progress); default none. */
  readonly onChunkWritten?: () => void;
}

/**
 * Writes the property list of a job enqueued for a catalog selection (see
 * `JobService.enqueueSelection`): reads the selection from the catalog in
 * property id order and writes it in chunks of `JOB_PROPERTY_CHUNK_SIZE`
 * under their deterministic ids (`<jobId>:<chunk>`), so a run that was
 * stopped or killed mid-way and the run after it write the same chunks, never
 * a property twice; a later run also deletes chunks past the new end (the
 * selection shrank). Only then is the list marked final, with
 * `totalProperties`, under the run-number filter of the job's writes.
 *
 * @param listing - job, stores, stop signal, clock
 * @returns the job as it is now (`propertiesListed`, `totalProperties` set; 0 for a selection that has become empty),
 *   or `null` when another run holds the job
 * @throws the signal's reason when the run was stopped before the list was final (nothing marked)
 * @throws Error for a job without a catalog selection
 * @throws the driver's error when MongoDB cannot be reached
 */
export async function listCatalogSelection(listing: SelectionListing): Promise<StoredExtractionJob | null> {
  const { job, repository, signal } = listing;
  const selection = job.catalogSelection;
  if (selection === null) throw new Error(`job ${job.id} has no catalog selection to list`);
  const catalog = new PropertyCatalog({ db: repository.db });
  let chunk = 0;
  let total = 0;
  let batch: Property[] = [];
  const write = async (): Promise<void> => {
    signal.throwIfAborted();
    await repository.properties.writeChunk(job.id, chunk, batch);
    total += batch.length;
    chunk += 1;
    batch = [];
    listing.onChunkWritten?.();
  };
  const properties = catalog.readSelection(selection);
  try {
    for (let next = await nextOrStop(properties, signal); next.done !== true; next = await nextOrStop(properties, signal)) {
      batch.push(next.value);
      if (batch.length === JOB_PROPERTY_CHUNK_SIZE) await write();
    }
  } finally {
    // After a stop mid-read, closes the catalog's cursor once that read ends.
    void properties.return(undefined).catch(() => undefined);
  }
  if (batch.length > 0) await write();
  if (job.runNumber > 1) await repository.properties.deleteChunksFrom(job.id, chunk);
  signal.throwIfAborted();
  return repository.markPropertiesListed(job.id, job.runNumber, total, listing.clock.now());
}

/**
 * The next item of a read, or the signal's reason as soon as it aborts: the catalog's first batch comes only once the
 * server has read and sorted the whole selection (on FerretDB 1.x about 15 s of a 50,000-property label), and a stop
 * must not wait for it. A read left pending ends on its own; its result or error is dropped.
 *
 * @param items - the read
 * @param signal - the run's stop signal
 * @returns the read's next result
 * @throws the signal's reason when it is or becomes aborted first
 */
async function nextOrStop<T>(items: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  signal.throwIfAborted();
  const next = items.next();
  next.catch(() => undefined);
  let onAbort = (): void => undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([next, stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Why a job whose catalog selection had no property when its worker listed it failed.
 *
 * @param job - the job
 * @returns a message naming the label, or saying the catalog is empty
 */
export function emptySelectionMessage(job: StoredExtractionJob): string {
  const selection = job.catalogSelection;
  return selection !== null && 'label' in selection
    ? `no property of the catalog has the label "${selection.label}" any more; nothing to extract`
    : 'the catalog has no properties any more; nothing to extract';
}

/**
 * The end of a run that has no property to run: the listing of its catalog selection stopped or failed, or the
 * selection has no property. Its counters are the job's (all 0: nothing ran).
 *
 * @param job - the job as the run holds it
 * @param stop - why the run stopped, or `null`
 * @param fatal - the error that failed the listing, or `null`
 * @param cancelRequestedAt - when a cancel was seen, else `null`
 * @returns `failed` (the listing failed, the timeout, or an empty selection, naming it), `cancelled`, `pending` (a
 *   shutdown hands the job back: the next run lists it again), or `null` when the run lost the job (nothing to write)
 */
export function unlistedRunEnd(
  job: StoredExtractionJob,
  stop: RunStopReason | null,
  fatal: unknown,
  cancelRequestedAt: Date | null,
): JobRunEnd | null {
  if (stop?.kind === 'lease-lost') return null;
  const base = { cancelRequestedAt, progress: { ...pickCounters(job), failedPropertiesList: [] } };
  if (fatal !== null) return { ...base, status: 'failed', errorMessage: `listing the job's properties failed: ${describeError(fatal)}` };
  if (stop === null) return { ...base, status: 'failed', errorMessage: emptySelectionMessage(job) };
  if (stop.kind === 'shutdown') return { ...base, status: 'pending', errorMessage: null };
  const message = new RunStoppedError(job.id, stop).message;
  return { ...base, status: stop.kind === 'cancel' ? 'cancelled' : 'failed', errorMessage: message };
}
