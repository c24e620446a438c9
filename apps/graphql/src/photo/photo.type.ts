import type { PhotoRecord } from '@phx/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';

/** GraphQL `Photo`: one stored photo of a property (one per distinct content hash). */
@ObjectType('Photo', { description: 'One stored photo of a property: one per distinct content (SHA-256).' })
export class PhotoType {
  /** Owner property. */
  @Field(() => ID, { description: 'Owner property id.' })
  readonly propertyId!: string;

  /** SHA-256 of the original bytes. */
  @Field(() => String, { description: 'Lower-case hex SHA-256 of the original bytes; names the file.' })
  readonly sha256!: string;

  /** Decoded format. */
  @Field(() => String, { description: 'Decoded format, e.g. "jpeg", "webp".' })
  readonly format!: string;

  /** Upright width in px. */
  @Field(() => Int, { description: 'Upright width in px.' })
  readonly widthPx!: number;

  /** Upright height in px. */
  @Field(() => Int, { description: 'Upright height in px.' })
  readonly heightPx!: number;

  /** Size of the original in bytes. */
  @Field(() => Int, { description: 'Size of the original in bytes.' })
  readonly byteLength!: number;

  /** File name in the image store. */
  @Field(() => String, { description: 'File name in the image store: <sha256>.<ext>.' })
  readonly fileName!: string;

  /** Location in the image store. */
  @Field(() => String, { description: 'Where the original is stored: an absolute file path or a gridfs:// URI.' })
  readonly location!: string;

  /** Sources it was seen on. */
  @Field(() => [String], { description: 'Every source it was seen on.' })
  readonly sources!: readonly string[];

  /** Site photo ids it was seen under. */
  @Field(() => [String], { description: 'Every site photo id it was seen under.' })
  readonly photoIds!: readonly string[];

  /** URLs it was downloaded from. */
  @Field(() => [String], { description: 'Every URL it was downloaded from.' })
  readonly urls!: readonly string[];

  /** First sighting. */
  @Field(() => DateTimeResolver, { description: 'First sighting.' })
  readonly firstSeenAt!: Date;

  /** Latest sighting. */
  @Field(() => DateTimeResolver, { description: 'Latest sighting.' })
  readonly lastSeenAt!: Date;
}

/**
 * Maps a photo record to its GraphQL shape.
 *
 * @param record - the stored record
 * @returns the GraphQL `Photo`
 */
export function toPhotoType(record: PhotoRecord): PhotoType {
  return {
    propertyId: record.propertyId,
    sha256: record.sha256,
    format: record.format,
    widthPx: record.widthPx,
    heightPx: record.heightPx,
    byteLength: record.byteLength,
    fileName: record.fileName,
    location: record.location,
    sources: record.sources,
    photoIds: record.photoIds,
    urls: record.urls,
    firstSeenAt: record.firstSeenAt,
    lastSeenAt: record.lastSeenAt,
  };
}
