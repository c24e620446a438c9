import type { JobOrigin, JobPropertyStatus, JobStatus } from '../gql/graphql.js';

/** The sources the server reads, in its default order. */
export const SOURCES: readonly string[] = Object.freeze(['zillow', 'redfin']);

/** Every JobStatus, in life order. */
export const JOB_STATUSES: readonly JobStatus[] = Object.freeze(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const);

/** The outcome tabs of a job's properties. */
export const OUTCOME_TABS: readonly JobPropertyStatus[] = Object.freeze(['COMPLETED', 'PARTIAL', 'FAILED', 'DEFERRED'] as const);

/** Every JobOrigin. */
export const JOB_ORIGINS: readonly JobOrigin[] = Object.freeze(['INTERACTIVE', 'SCHEDULED'] as const);
