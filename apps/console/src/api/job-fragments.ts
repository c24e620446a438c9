import { graphql } from '../gql/index.js';

/** The progress counters of a job, shared by the job list, the job page and the jobProgress subscription. */
export const JobCounterFields = graphql(`
  fragment JobCounterFields on Job {
    totalProperties
    completedProperties
    failedProperties
    partialProperties
    deferredProperties
    totalImages
    newImages
    duplicateImages
    failedImages
    unchangedImages
    removedImages
    placeholderImages
  }
`);
