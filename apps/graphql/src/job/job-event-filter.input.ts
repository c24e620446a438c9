import type { JobEventKind, JobEventQuery } from '@phx/jobs';
import { decodeJobEventId } from '@phx/jobs';
import { toJobId } from '@phx/core';
import { Field, ID, InputType } from 'type-graphql';
import { JobEventKindEnum } from './job-event-kind.enum.js';

/** GraphQL `JobEventFilter` (see its `description`). */
@InputType('JobEventFilter', { description: 'Which jobs to follow (1 to 100), and which kinds of their events.' })
export class JobEventFilterInput {
  @Field(() => [ID], { description: 'The jobs to follow, 1 to 100 ids. An unknown id: NOT_FOUND.' })
  readonly jobIds!: readonly string[];

  @Field(() => [JobEventKindEnum], {
    nullable: true,
    description: 'Only these kinds; absent or empty means every kind. The subscription still completes after each job’s final status.',
  })
  readonly types?: readonly JobEventKind[] | null | undefined;
}

/**
 * Checks a `jobEvents` filter and resume ids and turns them into the feed's query.
 *
 * @param filter - the GraphQL filter
 * @param afterEventIds - ids of the last events seen (at most one per job); absent = from each job's first event
 * @returns the feed query
 * @throws core's `InvalidInputError` naming a malformed job id or event id, or two event ids of one job
 */
export function toJobEventQuery(filter: JobEventFilterInput, afterEventIds: readonly string[] | null | undefined): JobEventQuery {
  const jobIds = filter.jobIds.map((id) => toJobId(id) as string);
  const after = new Map<string, number>();
  for (const id of afterEventIds ?? []) {
    const position = decodeJobEventId(id);
    after.set(position.jobId, Math.max(position.seq, after.get(position.jobId) ?? 0));
  }
  return { jobIds, after, ...(filter.types === null || filter.types === undefined ? {} : { kinds: filter.types }) };
}
