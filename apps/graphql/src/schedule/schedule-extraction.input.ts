import type { FetchMode, IsolationMode } from '@phx/core';
import { Field, InputType, Int } from 'type-graphql';
import { TIMEOUT_SECONDS_DESCRIPTION, toEnqueueExtraction } from '../job/enqueue-extraction.input.js';
import type { EnqueueExtraction } from '../job/enqueue-extraction.input.js';
import { FetchModeEnum } from '../job/fetch-mode.enum.js';
import { IsolationModeEnum } from '../job/isolation-mode.enum.js';

/** GraphQL `ScheduleExtractionInput` of the `scheduleExtraction` mutation (see its `description`). */
@InputType('ScheduleExtractionInput', {
  description:
    'A recurring extraction: a unique name, a cron expression in a time zone, and what each run extracts (as enqueueExtraction).',
})
export class ScheduleExtractionInput {
  @Field(() => String, { description: 'Unique name, 1-100 characters. A name in use: CONFLICT.' })
  readonly name!: string;

  @Field(() => String, {
    description:
      'Cron expression: 5 fields (minute hour day month weekday) or 6 (seconds first), e.g. "0 3 * * *". Invalid: BAD_USER_INPUT.',
  })
  readonly cron!: string;

  @Field(() => String, {
    nullable: true,
    description: 'IANA time zone of the expression; absent means "America/Phoenix". Unknown: BAD_USER_INPUT.',
  })
  readonly timeZone?: string | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description: 'Ids of catalog properties each run extracts. An id the catalog lacks: NOT_FOUND.',
  })
  readonly propertyIds?: readonly string[] | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description: 'Addresses each run extracts; one the catalog lacks is added to it (as enqueueExtraction does).',
  })
  readonly addresses?: readonly string[] | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description: 'Zillow or Redfin listing URLs each run extracts (as enqueueExtraction takes them).',
  })
  readonly listingUrls?: readonly string[] | null | undefined;

  @Field(() => String, { nullable: true, description: 'Every catalog property with this label, as the catalog is now.' })
  readonly label?: string | null | undefined;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: every property of the catalog as it is now. Alone, not with the other selections.',
  })
  readonly all?: boolean | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description: 'Sources each run reads; absent or null means every source. An empty list or an unknown name: BAD_USER_INPUT.',
  })
  readonly sources?: readonly string[] | null | undefined;

  @Field(() => IsolationModeEnum, { nullable: true, description: 'Browser isolation of each run; absent means VIRTUAL.' })
  readonly isolationMode?: IsolationMode | null | undefined;

  @Field(() => FetchModeEnum, {
    nullable: true,
    description: "How each run fetches listing pages; absent or null means the worker's FETCH_MODE (AUTO unless set).",
  })
  readonly fetchMode?: FetchMode | null | undefined;

  @Field(() => Boolean, { nullable: true, description: 'Runs list photos without downloading them; absent means false.' })
  readonly dryRun?: boolean | null | undefined;

  @Field(() => Int, { nullable: true, description: `Of each run: ${TIMEOUT_SECONDS_DESCRIPTION}` })
  readonly timeoutSeconds?: number | null | undefined;

  @Field(() => Boolean, { nullable: true, description: 'Create the schedule paused; absent means false.' })
  readonly paused?: boolean | null | undefined;
}

/**
 * Checks the extraction part of a `ScheduleExtractionInput` the way
 * `enqueueExtraction` checks its input.
 *
 * @param input - the GraphQL input
 * @returns the catalog selection and the run options
 * @throws core's `InvalidInputError` listing every problem (selection, blank address, empty `sources` list, unknown source, `timeoutSeconds` out of range)
 */
export function toScheduledExtraction(input: ScheduleExtractionInput): EnqueueExtraction {
  return toEnqueueExtraction({
    propertyIds: input.propertyIds,
    addresses: input.addresses,
    listingUrls: input.listingUrls,
    label: input.label,
    all: input.all,
    sources: input.sources,
    isolationMode: input.isolationMode,
    fetchMode: input.fetchMode,
    dryRun: input.dryRun,
    timeoutSeconds: input.timeoutSeconds,
  });
}
