import type { Property } from '@phx/core';
import { SOURCES } from '@phx/core';
import type { CatalogProperty } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ListingUrlType } from './listing-url.type.js';

/** GraphQL `Property` (see its `description`). */
@ObjectType('Property', {
  description:
    'A home whose listing photos are wanted: a record of the catalog (the properties collection), or the copy of it a job was given.',
})
export class PropertyType {
  @Field(() => ID, { description: 'Slug of the address, e.g. "4732-w-davis-rd-glendale-az-85306"; names its photo folder.' })
  readonly id!: string;

  @Field(() => String, { description: 'Street address as first written in the catalog or request.' })
  readonly address!: string;

  @Field(() => [ListingUrlType], {
    description: 'Known listing pages, one per source; a source without one is found by its address search when extracted.',
  })
  readonly listingUrls!: readonly ListingUrlType[];

  @Field(() => [String], { description: 'Named lists the property is on (e.g. "sample", "phoenix-2025"), sorted; empty on a job\'s copy.' })
  readonly labels!: readonly string[];

  @Field(() => DateTimeResolver, { nullable: true, description: "When the property joined the catalog; null on a job's copy." })
  readonly createdAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: "When its catalog record last changed; null on a job's copy." })
  readonly updatedAt!: Date | null;
}

/**
 * Maps a catalog record, or a job's copy of a property (core's `Property`), to its GraphQL shape.
 *
 * @param property - the catalog record (with listing ids, labels and times) or the job's copy
 * @returns the GraphQL `Property` (listing URLs in source order)
 */
export function toPropertyType(property: Property | CatalogProperty): PropertyType {
  const catalog = 'labels' in property ? property : null;
  const listingUrls = SOURCES.flatMap((source) => {
    const url = property.listingUrls[source];
    return url === undefined ? [] : [{ source, url, listingId: catalog?.listingIds[source] ?? null }];
  });
  return {
    id: property.id,
    address: property.address,
    listingUrls,
    labels: catalog?.labels ?? [],
    createdAt: catalog?.createdAt ?? null,
    updatedAt: catalog?.updatedAt ?? null,
  };
}
