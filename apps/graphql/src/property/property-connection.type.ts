import type { PropertyPage } from '@phx/jobs';
import { encodePropertyCursor } from '@phx/jobs';
import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfoType } from '../job/job-connection.type.js';
import { PropertyType, toPropertyType } from './property.type.js';

/** GraphQL `PropertyEdge` (see its `description`). */
@ObjectType('PropertyEdge', { description: 'A property of a page and its cursor.' })
export class PropertyEdgeType {
  @Field(() => String, { description: 'Opaque cursor: the page after it starts with the next property.' })
  readonly cursor!: string;

  @Field(() => PropertyType, { description: 'The property.' })
  readonly node!: PropertyType;
}

/** GraphQL `PropertyConnection` (see its `description`). */
@ObjectType('PropertyConnection', { description: 'One page of catalog properties, ordered by id.' })
export class PropertyConnectionType {
  @Field(() => [PropertyEdgeType], { description: 'The properties of the page with their cursors.' })
  readonly edges!: readonly PropertyEdgeType[];

  @Field(() => PageInfoType, { description: 'Where the page ends.' })
  readonly pageInfo!: PageInfoType;

  @Field(() => Int, { description: 'How many catalog properties match the filter, over every page.' })
  readonly totalCount!: number;
}

/**
 * Maps a page of the catalog to its GraphQL shape.
 *
 * @param page - the page, from `PropertyCatalog.list` of `@phx/jobs`
 * @returns the GraphQL `PropertyConnection`
 */
export function toPropertyConnection(page: PropertyPage): PropertyConnectionType {
  const edges = page.nodes.map((p) => ({ cursor: encodePropertyCursor(p.id), node: toPropertyType(p) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor }, totalCount: page.totalCount };
}
