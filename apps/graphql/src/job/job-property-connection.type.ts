import type { JobPropertyPage, JobPropertyStatusFilter } from '@phx/jobs';
import type { ExtractionCounters } from '@phx/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { PropertyType, toPropertyType } from '../property/property.type.js';
import { PageInfoType } from './job-connection.type.js';
import { JobPropertyStatusEnum } from './job-property-status.enum.js';
import { PropertyOutcomeType, toPropertyOutcomeType } from './property-outcome.type.js';

/** GraphQL `JobProperty` (see its `description`). */
@ObjectType('JobProperty', {
  description: 'One property of a job: its position, the property as enqueued, and its outcome once it has one.',
})
export class JobPropertyType {
  @Field(() => Int, { description: "0-based position in the job's property list." })
  readonly index!: number;

  @Field(() => PropertyType, { description: 'The property as the job was enqueued with it.' })
  readonly property!: PropertyType;

  @Field(() => JobPropertyStatusEnum, { description: 'PENDING until it has an outcome, then the outcome status.' })
  readonly status!: JobPropertyStatusFilter;

  @Field(() => PropertyOutcomeType, { nullable: true, description: 'How it ended (the last run that finished it); null while PENDING.' })
  readonly outcome!: PropertyOutcomeType | null;
}

/** GraphQL `JobPropertyEdge` (see its `description`). */
@ObjectType('JobPropertyEdge', { description: 'A property of a page of a job and its cursor.' })
export class JobPropertyEdgeType {
  @Field(() => String, { description: 'Opaque cursor: the page after it starts with the next property.' })
  readonly cursor!: string;

  @Field(() => JobPropertyType, { description: 'The property and its outcome.' })
  readonly node!: JobPropertyType;
}

/** GraphQL `JobPropertyConnection` (see its `description`). */
@ObjectType('JobPropertyConnection', { description: "One page of a job's properties, by position in the job." })
export class JobPropertyConnectionType {
  @Field(() => [JobPropertyEdgeType], { description: 'The properties of the page with their cursors.' })
  readonly edges!: readonly JobPropertyEdgeType[];

  @Field(() => PageInfoType, { description: 'Where the page ends.' })
  readonly pageInfo!: PageInfoType;

  @Field(() => Int, {
    description: "How many of the job's properties have the status asked for (all when none), from the job's counters: no page is read.",
  })
  readonly totalCount!: number;
}

const CURSOR_PREFIX = 'jobProperty:';

/**
 * The cursor of a position in a job's property list.
 *
 * @param index - the 0-based position
 * @returns an opaque base64url string
 */
export function encodeJobPropertyCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`).toString('base64url');
}

/**
 * Reads a cursor of {@link encodeJobPropertyCursor}.
 *
 * @param cursor - what the client sent
 * @returns the position, or `null` when it is not such a cursor
 */
export function decodeJobPropertyCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return null;
  const digits = text.slice(CURSOR_PREFIX.length);
  return /^\d{1,9}$/.test(digits) ? Number(digits) : null;
}

/**
 * How many of a job's properties have a status, from its counters.
 *
 * @param job - the job's counters
 * @param status - the status asked for, or `undefined` for all
 * @returns the count (never below 0)
 */
export function countWithStatus(job: ExtractionCounters, status: JobPropertyStatusFilter | undefined): number {
  const finished = job.completedProperties + job.partialProperties + job.deferredProperties + job.failedProperties;
  switch (status) {
    case undefined:
      return job.totalProperties;
    case 'pending':
      return Math.max(job.totalProperties - finished, 0);
    case 'completed':
      return job.completedProperties;
    case 'partial':
      return job.partialProperties;
    case 'deferred':
      return job.deferredProperties;
    case 'failed':
      return job.failedProperties;
  }
}

/**
 * Maps a page of a job's properties to its GraphQL shape.
 *
 * @param page - the page, from `JobService.jobProperties` of `@phx/jobs`
 * @param totalCount - the count for the status asked for ({@link countWithStatus})
 * @returns the GraphQL `JobPropertyConnection`
 */
export function toJobPropertyConnection(page: JobPropertyPage, totalCount: number): JobPropertyConnectionType {
  const edges = page.entries.map((e): JobPropertyEdgeType => ({
    cursor: encodeJobPropertyCursor(e.index),
    node: {
      index: e.index,
      property: toPropertyType(e.property),
      status: e.outcome?.status ?? 'pending',
      outcome: e.outcome === null ? null : toPropertyOutcomeType(e.outcome),
    },
  }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges[edges.length - 1]?.cursor ?? null }, totalCount };
}
