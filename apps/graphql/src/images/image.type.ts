import { contentTypeOfFormat } from './image-content-type.js';
import type { PhotoRecord } from '@phx/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { IMAGES_PATH } from './image.routes.js';

/** GraphQL `ImageFile` (see its `description`). */
@ObjectType('ImageFile', { description: 'One file of a stored photo (the original or a variant) and where this server serves it.' })
export class ImageFileType {
  @Field(() => String, { description: 'File name in the image store, e.g. <sha256>.jpg or <sha256>.thumb.webp.' })
  readonly fileName!: string;

  @Field(() => String, {
    description: 'URL of the file on this server: /images/<propertyId>/<fileName>; send the same API key (Authorization: Bearer <key>).',
  })
  readonly url!: string;

  @Field(() => String, { description: 'Content-Type the server answers with, e.g. image/jpeg.' })
  readonly contentType!: string;

  @Field(() => Int, { description: 'Width in px (upright).' })
  readonly widthPx!: number;

  @Field(() => Int, { description: 'Height in px (upright).' })
  readonly heightPx!: number;

  @Field(() => Int, { description: 'Size of the file in bytes.' })
  readonly byteLength!: number;
}

/** GraphQL `StoredImage` (see its `description`). */
@ObjectType('StoredImage', { description: 'A stored photo of a property, with URLs for its original, web-size copy and thumbnail.' })
export class StoredImageType {
  @Field(() => ID, { description: 'Owner property id.' })
  readonly propertyId!: string;

  @Field(() => String, { description: 'Lower-case hex SHA-256 of the original bytes.' })
  readonly sha256!: string;

  @Field(() => ImageFileType, { description: 'The original, as downloaded.' })
  readonly original!: ImageFileType;

  @Field(() => ImageFileType, { nullable: true, description: 'The web-size WebP copy (longest side ≤ 2048 px); null when none was made.' })
  readonly web!: ImageFileType | null;

  @Field(() => ImageFileType, { nullable: true, description: 'The thumbnail WebP copy (longest side ≤ 400 px); null when none was made.' })
  readonly thumbnail!: ImageFileType | null;

  @Field(() => DateTimeResolver, { description: 'First sighting.' })
  readonly firstSeenAt!: Date;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'When a re-run found the photo gone from its listings; null while listed.',
  })
  readonly removedAt!: Date | null;
}

/**
 * Maps a photo record to its GraphQL `StoredImage`, with URLs under `origin`.
 *
 * @param record - the stored record
 * @param origin - scheme, host and port the client reached this server at, e.g. `http://127.0.0.1:4000`
 * @returns the GraphQL shape
 */
export function toStoredImageType(record: PhotoRecord, origin: string): StoredImageType {
  const urlOf = (fileName: string): string =>
    `${origin}${IMAGES_PATH}/${encodeURIComponent(record.propertyId)}/${encodeURIComponent(fileName)}`;
  const variant = (name: string): ImageFileType | null => {
    const found = record.variants.find((v) => v.name === name);
    if (found === undefined) return null;
    const { fileName, widthPx, heightPx, byteLength } = found;
    return { fileName, url: urlOf(fileName), contentType: contentTypeOfFormat(found.format), widthPx, heightPx, byteLength };
  };
  return {
    propertyId: record.propertyId,
    sha256: record.sha256,
    original: {
      fileName: record.fileName,
      url: urlOf(record.fileName),
      contentType: contentTypeOfFormat(record.format),
      widthPx: record.widthPx,
      heightPx: record.heightPx,
      byteLength: record.byteLength,
    },
    web: variant('web'),
    thumbnail: variant('thumb'),
    firstSeenAt: record.firstSeenAt,
    removedAt: record.removedAt,
  };
}
