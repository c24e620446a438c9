/** The job document's fields a console shows: request, status, whether its list is written, counters. */
const JOB_FIELDS = `id status origin scheduleId sources isolationMode fetchMode dryRun createdAt startedAt completedAt errorMessage
    propertiesListed selectionAll selectionLabel
    totalProperties completedProperties failedProperties partialProperties deferredProperties
    totalImages newImages duplicateImages failedImages unchangedImages removedImages placeholderImages`;

/**
 * A job with what a console shows of it: status, counters, whether its list is written, and its first 20 properties
 * with their outcomes (the fields of the console's job page and outcome page, `job-detail-page.tsx` and `job-outcomes.tsx`,
 * but the failure groups, timed on their own: {@link JOB_FAILURE_GROUPS_QUERY}).
 */
export const JOB_QUERY = `query Job($id: ID!) {
  job(id: $id) {
    ${JOB_FIELDS}
    properties(first: 20) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          index status
          property { id address }
          outcome { photosFound newImages duplicateImages unchangedImages failedImages missingPhotos retryAt failures { source url code message } }
        }
      }
    }
  }
}`;

/** {@link JOB_QUERY} without the page of properties: the job document alone. */
export const JOB_FIELDS_QUERY = `query JobFields($id: ID!) {
  job(id: $id) {
    ${JOB_FIELDS}
  }
}`;

/** The failure groups of a job, which the console's job page also asks for. */
export const JOB_FAILURE_GROUPS_QUERY = `query JobFailureGroups($id: ID!) {
  job(id: $id) { id failureGroups { code message source count exampleUrl } }
}`;

/** The console's job list (`jobs-page.tsx`): the newest 20 jobs with their counters. */
export const JOBS_QUERY = `query Jobs {
  jobs(first: 20) {
    edges {
      cursor
      node {
        id status origin sources createdAt completedAt
        totalProperties completedProperties failedProperties partialProperties deferredProperties
        totalImages newImages duplicateImages failedImages unchangedImages removedImages placeholderImages
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** What the benchmark reads while it waits for a run: status and finished counters. */
export const JOB_STATE_QUERY = `query($id: ID!) {
  job(id: $id) { status propertiesListed totalProperties completedProperties failedProperties partialProperties deferredProperties }
}`;

/** Enqueues a dry run of a selection (a label, or addresses) on Zillow. */
export const ENQUEUE_MUTATION = `mutation($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id status } }`;

/** Cancels a job and reads its status in the answer. */
export const CANCEL_MUTATION = `mutation($id: ID!) { cancelJob(id: $id) { id status } }`;

/** The part of a job {@link JOB_STATE_QUERY} reads. */
export interface JobState {
  readonly status: string;
  readonly propertiesListed: boolean;
  readonly totalProperties: number;
  readonly completedProperties: number;
  readonly failedProperties: number;
  readonly partialProperties: number;
  readonly deferredProperties: number;
}

/**
 * Properties of a job that have an outcome.
 *
 * @param job - its counters
 * @returns completed + failed + partial + deferred
 */
export function finishedOf(job: JobState): number {
  return job.completedProperties + job.failedProperties + job.partialProperties + job.deferredProperties;
}
