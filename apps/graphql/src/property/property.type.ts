import type { Property } from '@phx/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { ListingUrlType } from './listing-url.type.js';

/** GraphQL `Property` (see its `description`). */
@ObjectType('Property', { description: 'A home whose listing photos are wanted.' })
export class PropertyType {
  @Field(() => ID, { description: 'Slug of the address, e.g. "4732-w-davis-rd-glendale-az-85306"; names its photo folder.' })
  readonly id!: string;

  @Field(() => String, { description: 'Street address as written in the catalog or request.' })
  readonly address!: string;

  @Field(() => [ListingUrlType], {
    description: 'Known listing pages, one per source; a source without one is skipped for this property.',
  })
  readonly listingUrls!: readonly ListingUrlType[];
}

/**
 * Maps a domain property to its GraphQL shape.
 *
 * @param property - the domain property
 * @returns the GraphQL `Property` (listing URLs as a list, in the property's key order)
 */
export function toPropertyType(property: Property): PropertyType {
  const listingUrls = Object.entries(property.listingUrls)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([source, url]) => ({ source, url }));
  return { id: property.id, address: property.address, listingUrls };
}
