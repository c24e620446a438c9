import type { ExtractionJob, JobId } from '@phx/core';
import type { JobProgressSource } from '../graphql-context.js';

/**
 * Opens the progress stream of one job for a subscription. Reads the first
 * snapshot before returning, so an unknown job fails the subscribe call
 * itself (a clean GraphQL error) rather than the running stream. The stream
 * owns an `AbortController` passed to the feed: `return()` (the client
 * completed or disconnected, or the server is stopping) aborts the feed's
 * polling at once instead of waiting for its next tick.
 *
 * @param source - the progress feed
 * @param jobId - the job to follow
 * @returns an async iterator of job snapshots; ends after a final status
 * @throws NotFoundError when no job has this id (whatever the feed throws first)
 */
export async function openJobProgressStream(source: JobProgressSource, jobId: JobId): Promise<AsyncIterableIterator<ExtractionJob>> {
  const controller = new AbortController();
  const upstream = source.watch(jobId, controller.signal)[Symbol.asyncIterator]();
  let first: IteratorResult<ExtractionJob> | null;
  try {
    first = await upstream.next();
  } catch (error) {
    controller.abort();
    throw error;
  }
  const finish = (): IteratorResult<ExtractionJob> => {
    first = null;
    controller.abort();
    // Not awaited: a generator that is mid-poll only settles `return()` after its pending step.
    void upstream.return?.()?.catch(() => undefined);
    return { done: true, value: undefined };
  };
  const stream: AsyncIterableIterator<ExtractionJob> = {
    async next() {
      if (controller.signal.aborted) return { done: true, value: undefined };
      if (first !== null) {
        const result = first;
        first = null;
        return result;
      }
      return upstream.next();
    },
    async return() {
      return finish();
    },
    async throw(error: unknown) {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
