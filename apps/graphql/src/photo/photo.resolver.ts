import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { PhotoType, toPhotoType } from './photo.type.js';

/** Queries of stored photos. */
@Resolver(() => PhotoType)
export class PhotoResolver {
  /** The `photos` query (see its `description`). */
  @Query(() => [PhotoType], {
    description:
      'The stored photos of a property, oldest first; empty when none. Takes the property id or its address; one with no Latin letter or digit: BAD_USER_INPUT.',
  })
  async photos(@Arg('propertyId', () => ID) propertyId: string, @Ctx() { services }: GraphqlContext): Promise<PhotoType[]> {
    const records = await services.jobs.listPhotos(propertyId);
    return records.map(toPhotoType);
  }
}
