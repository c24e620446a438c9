import type { Db } from 'mongodb';
import type { JobId, PropertyId, PropertyOutcome, Source } from '@phx/core';
import { JOB_OUTCOMES_COLLECTION } from './job-property-store.js';

/** The failures of a job's properties that share a source, code and message (see {@link readJobFailureGroups}). */
export interface JobFailureGroup {
  /** The source the failures came from, or `null` for failures not tied to one. */
  readonly source: Source | null;
  /** Their stable error code, e.g. `PHOTO_DATA_MISSING`. */
  readonly code: string;
  /** Their message. */
  readonly message: string;
  /** How many failures of the job's failed and partial properties are in the group (a property may add several). */
  readonly count: number;
  /** The URL of the first failure of the group that names one, else `null`. */
  readonly exampleUrl: string | null;
  /** The first {@link FAILURE_GROUP_PROPERTY_IDS} properties with such a failure, by position in the job, without repeats. */
  readonly propertyIds: readonly PropertyId[];
}

/** Most groups {@link readJobFailureGroups} returns (the largest). */
export const MAX_FAILURE_GROUPS = 50;
/** Property ids a {@link JobFailureGroup} names at most. */
export const FAILURE_GROUP_PROPERTY_IDS = 5;
/**
 * Most failed and partial outcomes one call reads. FerretDB 1.x cannot
 * group nested failures in an aggregation (no `$push`/`$first` accumulators;
 * `$unwind` of a nested array drops the other fields), so the outcomes are
 * scanned, by position, up to this many: a job with more counts its first ones.
 */
export const MAX_SCANNED_FAILED_OUTCOMES = 20_000;

interface FailureScanDocument {
  readonly index: number;
  readonly propertyId: PropertyId;
  readonly outcome: Pick<PropertyOutcome, 'failures'>;
}

interface GroupAccumulator {
  readonly group: Omit<JobFailureGroup, 'count' | 'exampleUrl' | 'propertyIds'>;
  count: number;
  exampleUrl: string | null;
  readonly propertyIds: PropertyId[];
  /** Order of first appearance, to break ties between equal counts. */
  readonly order: number;
}

/**
 * Groups the failures of a job's `failed` and `partial` properties by
 * (source, code, message), from the `extraction_job_outcomes` collection,
 * reading at most {@link MAX_SCANNED_FAILED_OUTCOMES} outcomes by position
 * with only their failures. Read-only; safe while the job runs (groups then
 * reflect the outcomes recorded so far).
 *
 * @param db - the database of the jobs (borrowed)
 * @param jobId - the job (an unknown job has no groups)
 * @returns at most {@link MAX_FAILURE_GROUPS} groups, largest count first (ties: the group met first); empty when none failed
 * @throws the driver's error when MongoDB cannot be reached
 */
export async function readJobFailureGroups(db: Db, jobId: string): Promise<JobFailureGroup[]> {
  const groups = new Map<string, GroupAccumulator>();
  const cursor = db
    .collection<FailureScanDocument & { jobId: JobId; status: string }>(JOB_OUTCOMES_COLLECTION)
    .find(
      { jobId: jobId as JobId, status: { $in: ['failed', 'partial'] } },
      { projection: { _id: 0, index: 1, propertyId: 1, 'outcome.failures': 1 } },
    )
    .sort({ index: 1 })
    .limit(MAX_SCANNED_FAILED_OUTCOMES);
  for await (const doc of cursor) {
    for (const failure of doc.outcome.failures ?? []) {
      const source = failure.source ?? null;
      const key = JSON.stringify([source, failure.code, failure.message]);
      let entry = groups.get(key);
      if (entry === undefined) {
        entry = {
          group: { source, code: failure.code, message: failure.message },
          count: 0,
          exampleUrl: null,
          propertyIds: [],
          order: groups.size,
        };
        groups.set(key, entry);
      }
      entry.count += 1;
      entry.exampleUrl ??= failure.url ?? null;
      if (entry.propertyIds.length < FAILURE_GROUP_PROPERTY_IDS && !entry.propertyIds.includes(doc.propertyId))
        entry.propertyIds.push(doc.propertyId);
    }
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, MAX_FAILURE_GROUPS)
    .map(({ group, count, exampleUrl, propertyIds }) => ({ ...group, count, exampleUrl, propertyIds }));
}
