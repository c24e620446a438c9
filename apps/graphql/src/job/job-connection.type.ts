import type { JobPage } from '@phx/jobs';
import { Field, ObjectType } from 'type-graphql';
import { JobType, toJobType } from './job.type.js';

/** GraphQL `PageInfo` (see its `description`). */
@ObjectType('PageInfo', { description: 'Where a page of a list ends.' })
export class PageInfoType {
  @Field(() => Boolean, { description: 'true when more items follow this page.' })
  readonly hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of the page (pass it as after); null for an empty page.' })
  readonly endCursor!: string | null;
}

/** GraphQL `JobEdge` (see its `description`). */
@ObjectType('JobEdge', { description: 'A job of a page and its cursor.' })
export class JobEdgeType {
  @Field(() => String, { description: 'Opaque cursor: the page after it starts with the next job.' })
  readonly cursor!: string;

  @Field(() => JobType, { description: 'The job.' })
  readonly node!: JobType;
}

/** GraphQL `JobConnection` (see its `description`). */
@ObjectType('JobConnection', { description: 'One page of jobs, newest first (by creation time, then id: a stable order).' })
export class JobConnectionType {
  @Field(() => [JobEdgeType], { description: 'The jobs of the page with their cursors.' })
  readonly edges!: readonly JobEdgeType[];

  @Field(() => PageInfoType, { description: 'Where the page ends.' })
  readonly pageInfo!: PageInfoType;
}

/**
 * Maps a page of the history service to its GraphQL shape.
 *
 * @param page - the page
 * @returns the GraphQL `JobConnection`
 */
export function toJobConnection(page: JobPage): JobConnectionType {
  const edges = page.edges.map((e) => ({ cursor: e.cursor, node: toJobType(e.job) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
