import { COUNTER_NAMES } from '@phx/core';
import type { ExtractionCounters, PhotoRecord, PropertyOutcomeCounts, StoredVariant } from '@phx/core';

/** GraphQL fields of a job's progress, as the demo prints them: every counter of core's `COUNTER_NAMES`. */
export const PROGRESS_FIELDS = `
  id status ${COUNTER_NAMES.join(' ')} errorMessage`;

/** Enqueues an extraction of every catalog property. */
export const ENQUEUE_ALL = `
  mutation EnqueueAll($input: EnqueueExtractionInput!) {
    enqueueExtraction(input: $input) { ${PROGRESS_FIELDS} }
  }`;

/** Live progress of one job. */
export const JOB_PROGRESS = `
  subscription JobProgress($jobId: ID!) {
    jobProgress(jobId: $jobId) { ${PROGRESS_FIELDS} progressUpdatedAt }
  }`;

/** Cancels the demo's job (Ctrl-C): the job stops, keeping what it stored, and its progress subscription ends. */
export const CANCEL_JOB = `
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) { id status }
  }`;

/**
 * The finished job with one page of 10 of its properties' outcomes, after the cursor `$after` (null: the first
 * page). Ten rows of every outcome field cost about 2 300 of the server's default `MAX_QUERY_COST` 5 000.
 */
export const FINAL_JOB = `
  query FinalJob($id: ID!, $after: String) {
    job(id: $id) {
      ${PROGRESS_FIELDS} createdAt startedAt completedAt failedPropertiesList
      properties(first: 10, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { outcome {
          propertyId address status photosFound newImages duplicateImages unchangedImages failedImages missingPhotos placeholderImages retryAt sourcesRead
          skippedSources { source reason }
          failures { source url code message }
        } } }
      }
    }
  }`;

/** The stored photos of one property. */
export const PROPERTY_PHOTOS = `
  query PropertyPhotos($propertyId: ID!) {
    photos(propertyId: $propertyId) {
      sha256 location byteLength widthPx heightPx format sources storedFiles
      variants { fileName format widthPx heightPx byteLength }
    }
  }`;

/** Progress fields as received: the job's id, status (GraphQL enum name, e.g. `IN_PROGRESS`), every counter, and its error message or `null`. */
export type JobProgress = ExtractionCounters & {
  readonly id: string;
  readonly status: string;
  readonly errorMessage: string | null;
};

/** One property's outcome as received: the photo counts the demo asks for (core's `PropertyOutcomeCounts`), and the rest as plain strings. */
export interface PropertyOutcomeView extends Pick<
  PropertyOutcomeCounts,
  'photosFound' | 'newImages' | 'duplicateImages' | 'unchangedImages' | 'failedImages' | 'missingPhotos' | 'placeholderImages'
> {
  readonly propertyId: string;
  readonly address: string;
  readonly status: string;
  /** DEFERRED: the earliest time a later run retries the property (ISO 8601); else null. */
  readonly retryAt: string | null;
  readonly sourcesRead: readonly string[];
  readonly skippedSources: readonly { readonly source: string; readonly reason: string }[];
  readonly failures: readonly {
    readonly source: string | null;
    readonly url: string | null;
    readonly code: string;
    readonly message: string;
  }[];
}

/** The final job as received: its fields and one page of its properties' outcomes (`null` for a property without one). */
export interface FinalJobView extends JobProgress {
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly failedPropertiesList: readonly string[];
  readonly properties: {
    readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
    readonly edges: readonly { readonly node: { readonly outcome: PropertyOutcomeView | null } }[];
  };
}

/**
 * A stored photo as received: the facts of core's `PhotoRecord` of the same
 * names (hash and sources as plain strings), its web variants' records (file
 * name, format, width and height in px, size in bytes), plus every file the
 * record names in the store, the original first, then its variants and
 * replaced copies.
 */
export type PhotoView = Pick<PhotoRecord, 'location' | 'byteLength' | 'widthPx' | 'heightPx' | 'format'> & {
  readonly sha256: string;
  readonly sources: readonly string[];
  readonly storedFiles: readonly string[];
  readonly variants: readonly Pick<StoredVariant, 'fileName' | 'format' | 'widthPx' | 'heightPx' | 'byteLength'>[];
};
