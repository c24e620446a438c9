import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { StoredImageType, toStoredImageType } from './image.type.js';

/** The `images` query: stored photos with URLs this server serves them at. */
@Resolver(() => StoredImageType)
export class ImageResolver {
  /** The `images` query (see its `description`). */
  @Query(() => [StoredImageType], {
    description:
      'The stored photos of a property (id or address), oldest first, with URLs for the original, web copy and thumbnail on this server. Photos a re-run found gone from the listings are left out unless includeRemoved is true. ' +
      'A property id with no Latin letter or digit: BAD_USER_INPUT.',
  })
  async images(
    @Arg('propertyId', () => ID) propertyId: string,
    @Arg('includeRemoved', () => Boolean, { defaultValue: false }) includeRemoved: boolean,
    @Ctx() { services, requestOrigin }: GraphqlContext,
  ): Promise<StoredImageType[]> {
    const records = await services.jobs.listPhotos(propertyId);
    return records.filter((r) => includeRemoved || r.removedAt === null).map((r) => toStoredImageType(r, requestOrigin));
  }
}
