import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { PropertyType, toPropertyType } from './property.type.js';

/** Queries of the properties catalog. */
@Resolver(() => PropertyType)
export class PropertyResolver {
  /** Lists the catalog. */
  @Query(() => [PropertyType], { description: 'Every property of the catalog (the properties CSV), in catalog order.' })
  async properties(@Ctx() { services }: GraphqlContext): Promise<PropertyType[]> {
    const properties = await services.catalog.list();
    return properties.map(toPropertyType);
  }
}
