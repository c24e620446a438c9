import { InvalidInputError, NotFoundError } from '@phx/core';
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { PropertyConnectionType, toPropertyConnection } from './property-connection.type.js';
import { DEFAULT_PROPERTY_PAGE_SIZE, MAX_PROPERTY_PAGE_SIZE, pageProperties } from './property-page.js';
import { PropertyType, toPropertyType } from './property.type.js';

/** Queries of the properties catalog: all of it, or one property. */
@Resolver(() => PropertyType)
export class PropertyResolver {
  /** The `properties` query (see its `description`). */
  @Query(() => PropertyConnectionType, {
    description:
      'A page of the catalog (the properties CSV), in catalog order: first (1..100) properties after the cursor after. ' +
      'A page size out of range or an unknown cursor: BAD_USER_INPUT.',
  })
  async properties(
    @Arg('first', () => Int, { defaultValue: DEFAULT_PROPERTY_PAGE_SIZE, description: `Page size, 1..${MAX_PROPERTY_PAGE_SIZE}.` })
    first: number,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The endCursor of the previous page (or any edge cursor); absent for the first page.',
    })
    after: string | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyConnectionType> {
    const properties = await services.catalog.list();
    return toPropertyConnection(pageProperties(properties, { first, after: after ?? undefined }));
  }

  /** The `property` query (see its `description`). */
  @Query(() => PropertyType, {
    description:
      'One catalog property, by id (its address slug) or by address (matched as enqueueExtraction matches it). ' +
      'Give exactly one: else BAD_USER_INPUT. No such property: NOT_FOUND.',
  })
  async property(
    @Arg('id', () => ID, { nullable: true, description: 'The property id, e.g. "4732-w-davis-rd-glendale-az-85306".' })
    id: string | null | undefined,
    @Arg('address', () => String, { nullable: true, description: 'The address, in any case and spacing.' })
    address: string | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyType> {
    const hasId = id !== null && id !== undefined;
    const hasAddress = address !== null && address !== undefined;
    if (hasId === hasAddress) {
      throw new InvalidInputError('property arguments', [
        { path: hasId ? 'id' : 'id|address', message: 'give exactly one of id and address' },
      ]);
    }
    if (address !== null && address !== undefined) {
      const [property] = await services.catalog.select({ addresses: [address] });
      if (property === undefined) throw new NotFoundError('property', address);
      return toPropertyType(property);
    }
    const wanted = String(id);
    const property = (await services.catalog.list()).find((p) => p.id === wanted);
    if (property === undefined) throw new NotFoundError('property', wanted);
    return toPropertyType(property);
  }
}
