import type { FetchMode, InputIssue, IsolationMode, Source } from '@phx/core';
import { InvalidInputError, JOB_TIME_LIMIT_RANGE_MS, jobTimeLimitIssue, parseSources } from '@phx/core';
import { Field, InputType, Int } from 'type-graphql';
import type { PropertySelection } from '@phx/jobs';
import { addressIssues, propertyIdIssue, selectionMixIssue } from '@phx/jobs';
import { FetchModeEnum } from './fetch-mode.enum.js';
import { IsolationModeEnum } from './isolation-mode.enum.js';

/** The range of `timeoutSeconds`, in seconds: core's {@link JOB_TIME_LIMIT_RANGE_MS}. */
const TIMEOUT_SECONDS_RANGE = { min: JOB_TIME_LIMIT_RANGE_MS.min / 1000, max: JOB_TIME_LIMIT_RANGE_MS.max / 1000 };

/** What `timeoutSeconds` means, on the enqueue and the schedule inputs. */
export const TIMEOUT_SECONDS_DESCRIPTION =
  `The job's own wall-time limit, in seconds (${TIMEOUT_SECONDS_RANGE.min}-${TIMEOUT_SECONDS_RANGE.max}, i.e. 1 s-30 days), counted ` +
  'from its first start (a run resumed by another worker counts from there too): past it the job is stopped and fails ' +
  "(JOB_TIMEOUT, naming the limit); its unfinished properties can be retried. Absent or null: no limit of its own; only the worker's " +
  'JOB_TIMEOUT stops a run, when no property finished for that long. Out of range: BAD_USER_INPUT.';

/** What `retryJob`'s `timeoutSeconds` means. */
export const RETRY_TIMEOUT_SECONDS_DESCRIPTION =
  `A wall-time limit of its own for the new job, in seconds (${TIMEOUT_SECONDS_RANGE.min}-${TIMEOUT_SECONDS_RANGE.max}, i.e. ` +
  "1 s-30 days), counted from its first start, instead of the retried job's timeoutSeconds (e.g. a longer one for a job its own " +
  "limit stopped). Absent or null: the retried job's own (none when it had none). Out of range: BAD_USER_INPUT, checked as " +
  "enqueueExtraction's.";

/** GraphQL `EnqueueExtractionInput` (see its `description`). */
@InputType('EnqueueExtractionInput', {
  description:
    'Which properties to extract, from which sources, and how. Properties: any of propertyIds, addresses and listingUrls together; ' +
    'or a label alone; or all: true alone.',
})
export class EnqueueExtractionInput {
  @Field(() => [String], {
    nullable: true,
    description:
      'Ids of catalog properties (address slugs). An id no address makes (e.g. "../x"): BAD_USER_INPUT; one the catalog lacks: NOT_FOUND.',
  })
  readonly propertyIds?: readonly string[] | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description:
      "Addresses, in any case and spacing. One the catalog lacks is added to it; its listings are then found by the sites' address search.",
  })
  readonly addresses?: readonly string[] | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description:
      'Listing page URLs of Zillow or Redfin. One the catalog lacks is added with the address its path spells. Another site: BAD_USER_INPUT.',
  })
  readonly listingUrls?: readonly string[] | null | undefined;

  @Field(() => String, {
    nullable: true,
    description: 'Every catalog property with this label, in any case. Not a label: BAD_USER_INPUT; no property has it: NOT_FOUND.',
  })
  readonly label?: string | null | undefined;

  @Field(() => Boolean, { nullable: true, description: 'true extracts every property of the catalog.' })
  readonly all?: boolean | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description: 'Sources to read, e.g. ["zillow"]; absent or null means every source. An empty list or an unknown name: BAD_USER_INPUT.',
  })
  readonly sources?: readonly string[] | null | undefined;

  @Field(() => IsolationModeEnum, { nullable: true, description: 'Browser isolation; absent means VIRTUAL.' })
  readonly isolationMode?: IsolationMode | null | undefined;

  @Field(() => FetchModeEnum, {
    nullable: true,
    description: "How the job's listing pages are fetched; absent or null means the worker's FETCH_MODE (AUTO unless set).",
  })
  readonly fetchMode?: FetchMode | null | undefined;

  @Field(() => Boolean, { nullable: true, description: 'List photos without downloading or storing them; absent means false.' })
  readonly dryRun?: boolean | null | undefined;

  @Field(() => Int, { nullable: true, description: TIMEOUT_SECONDS_DESCRIPTION })
  readonly timeoutSeconds?: number | null | undefined;
}

/** An `EnqueueExtractionInput`, checked: which catalog properties, and the job options. */
export interface EnqueueExtraction {
  /** The catalog selection. */
  readonly selection: PropertySelection;
  /** Job options; absent ones take the service defaults. */
  readonly options: {
    readonly sources?: readonly Source[];
    readonly isolationMode?: IsolationMode;
    readonly fetchMode?: FetchMode;
    readonly dryRun?: boolean;
    /** The job's own time limit, in ms (`timeoutSeconds` × 1000). */
    readonly timeoutMs?: number;
  };
}

/**
 * Checks an `EnqueueExtractionInput`: some properties named (ids, addresses,
 * listing URLs, a label or all; the catalog checks how they combine), no
 * blank entry, sources absent or a non-empty list of known ones, a time limit within 1 s-30 days.
 *
 * @param input - the GraphQL input
 * @returns the catalog selection and the job options
 * @throws {@link InvalidInputError} listing every problem (no selection, parts given together naming them, a blank entry,
 *   an id no address makes, each address no property id can be made of, an empty `sources` list, each unknown source by name, `timeoutSeconds` out of range)
 */
export function toEnqueueExtraction(
  input: Partial<Omit<EnqueueExtractionInput, 'label'>> & { readonly label?: string | null | undefined },
): EnqueueExtraction {
  const issues: InputIssue[] = [];
  const lists = { propertyIds: input.propertyIds ?? [], addresses: input.addresses ?? [], listingUrls: input.listingUrls ?? [] };
  const label = input.label ?? undefined;
  const all = input.all === true;
  const given = [
    ...Object.entries(lists)
      .filter(([, list]) => list.length > 0)
      .map(([name]) => name),
    ...(label === undefined ? [] : ['label']),
    ...(all ? ['all'] : []),
  ];
  if (given.length === 0) {
    issues.push({ path: 'addresses', message: 'no properties given; pass propertyIds, addresses, listingUrls, a label, or all: true' });
  }
  const mixed = selectionMixIssue(given, Object.keys(lists));
  if (mixed !== null) issues.push(mixed);
  for (const [name, list] of Object.entries(lists)) {
    list.forEach((entry, i) => {
      const path = `${name}.${i}`;
      if (entry.trim() === '') issues.push({ path, message: 'is blank' });
      else if (name === 'propertyIds') issues.push(...[propertyIdIssue(entry, path)].filter((i) => i !== null));
      else if (name === 'addresses') issues.push(...addressIssues(entry, path));
    });
  }
  let sources: Source[] | undefined;
  try {
    sources = input.sources === null || input.sources === undefined ? undefined : parseSources(input.sources);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    issues.push(...error.issues);
  }
  const timeoutSeconds = input.timeoutSeconds ?? undefined;
  const timeoutIssue = timeoutSeconds === undefined ? null : jobTimeLimitIssue(timeoutSeconds, 'timeoutSeconds');
  if (timeoutIssue !== null) issues.push(timeoutIssue);
  if (issues.length > 0) throw new InvalidInputError('extraction input', issues);
  const selection: PropertySelection = {
    ...(lists.propertyIds.length > 0 ? { ids: lists.propertyIds } : {}),
    ...(lists.addresses.length > 0 ? { addresses: lists.addresses } : {}),
    ...(lists.listingUrls.length > 0 ? { listingUrls: lists.listingUrls } : {}),
    ...(label === undefined ? {} : { label }),
    ...(all ? { all: true } : {}),
  };
  return {
    selection,
    options: {
      ...(sources === undefined ? {} : { sources }),
      ...(input.isolationMode === null || input.isolationMode === undefined ? {} : { isolationMode: input.isolationMode }),
      ...(input.fetchMode === null || input.fetchMode === undefined ? {} : { fetchMode: input.fetchMode }),
      ...(input.dryRun === null || input.dryRun === undefined ? {} : { dryRun: input.dryRun }),
      ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }),
    },
  };
}
