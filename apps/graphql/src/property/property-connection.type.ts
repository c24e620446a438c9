import { Field, ObjectType } from 'type-graphql';
import { PageInfoType } from '../job/job-connection.type.js';
import type { PropertyPage } from './property-page.js';
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
@ObjectType('PropertyConnection', { description: 'One page of catalog properties, in catalog order.' })
export class PropertyConnectionType {
  @Field(() => [PropertyEdgeType], { description: 'The properties of the page with their cursors.' })
  readonly edges!: readonly PropertyEdgeType[];

  @Field(() => PageInfoType, { description: 'Where the page ends.' })
  readonly pageInfo!: PageInfoType;
}

/**
 * Maps a page of the catalog to its GraphQL shape.
 *
 * @param page - the page
 * @returns the GraphQL `PropertyConnection`
 */
export function toPropertyConnection(page: PropertyPage): PropertyConnectionType {
  const edges = page.edges.map((e) => ({ cursor: e.cursor, node: toPropertyType(e.property) }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
