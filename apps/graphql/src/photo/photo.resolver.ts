import { toPropertyId } from '@phx/core';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { PhotoType, toPhotoType } from './photo.type.js';

/** Queries of stored photos. */
@Resolver(() => PhotoType)
export class PhotoResolver {
  /**
   * Lists the stored photos of a property.
   *
   * @throws InvalidInputError (BAD_USER_INPUT) when the id has no letter or digit
   */
  @Query(() => [PhotoType], {
    description:
      'The stored photos of a property, oldest first; empty when none. Takes the property id or its address.',
  })
  async photos(@Arg('propertyId', () => ID) propertyId: string, @Ctx() { services }: GraphqlContext): Promise<PhotoType[]> {
    const records = await services.jobs.listPhotos(toPropertyId(propertyId));
    return records.map(toPhotoType);
  }
}
