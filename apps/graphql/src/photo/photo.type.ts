import { storedFileNames } from '@phx/core';
import type { PhotoRecord } from '@phx/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { PhotoVariantType } from './photo-variant.type.js';

/** GraphQL `PhotoPosition` (see its `description`). */
@ObjectType('PhotoPosition', { description: "Where one source's gallery placed a photo, from the run that last saw it there." })
export class PhotoPositionType {
  @Field(() => String, { description: 'Source site, e.g. "zillow".' })
  readonly source!: string;

  @Field(() => Int, { description: "0-based index in that source's gallery order." })
  readonly position!: number;

  @Field(() => String, { nullable: true, description: 'Caption or room label that source gave; null when none.' })
  readonly caption!: string | null;
}

/** GraphQL `Photo` (see its `description`). */
@ObjectType('Photo', { description: 'One stored photo of a property: one per distinct content (SHA-256).' })
export class PhotoType {
  @Field(() => ID, { description: 'Owner property id.' })
  readonly propertyId!: string;

  @Field(() => String, { description: 'Lower-case hex SHA-256 of the original bytes; names the file.' })
  readonly sha256!: string;

  @Field(() => String, { description: 'Decoded format, e.g. "jpeg", "webp".' })
  readonly format!: string;

  @Field(() => Int, { description: 'Upright width in px.' })
  readonly widthPx!: number;

  @Field(() => Int, { description: 'Upright height in px.' })
  readonly heightPx!: number;

  @Field(() => Int, { description: 'Size of the original in bytes.' })
  readonly byteLength!: number;

  @Field(() => String, { description: 'File name in the image store: <sha256>.<ext>.' })
  readonly fileName!: string;

  @Field(() => String, { description: 'Where the original is stored: an absolute file path or a gridfs:// URI.' })
  readonly location!: string;

  @Field(() => [String], { description: 'Every source it was seen on.' })
  readonly sources!: readonly string[];

  @Field(() => [String], { description: 'Every site photo id it was seen under.' })
  readonly photoIds!: readonly string[];

  @Field(() => [String], { description: 'Every URL it was downloaded from.' })
  readonly urls!: readonly string[];

  @Field(() => DateTimeResolver, { description: 'First sighting.' })
  readonly firstSeenAt!: Date;

  @Field(() => DateTimeResolver, { description: 'Latest sighting.' })
  readonly lastSeenAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: '64-bit perceptual hash of the upright image, 16 hex digits; null when not computed.',
  })
  readonly perceptualHash!: string | null;

  @Field(() => Boolean, {
    description:
      'True when the image is a placeholder: flat, with too little detail to be a photo (a solid colour, a "Coming Soon" card). ' +
      'It merges with another image only when their colours match, never on the perceptual hash alone.',
  })
  readonly placeholder!: boolean;

  @Field(() => Int, { nullable: true, description: 'Width in px the site listed for the size downloaded; null when it stated none.' })
  readonly listedWidthPx!: number | null;

  @Field(() => Boolean, {
    description:
      'True when the size downloaded is the largest the site listed; false when larger sizes answered 404/410 or did not decode.',
  })
  readonly largestSize!: boolean;

  @Field(() => Boolean, {
    description:
      "True when the listing page no longer listed this photo's largest size where it used to (a renamed size field), " +
      'so the size downloaded may be smaller than the largest the site has.',
  })
  readonly sizeDowngrade!: boolean;

  @Field(() => Boolean, { description: 'True when the original is an animation; its variants show the first frame.' })
  readonly animated!: boolean;

  @Field(() => [PhotoVariantType], { description: 'Web-size variants stored next to the original.' })
  readonly variants!: readonly PhotoVariantType[];

  @Field(() => [String], {
    description: 'Every file this photo has in the image store: the original, its variants and the files of replaced smaller copies.',
  })
  readonly storedFiles!: readonly string[];

  @Field(() => Int, { description: 'How many other copies (sizes, formats) of the same picture were seen.' })
  readonly duplicateCount!: number;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'When a re-run found the photo gone from its listings; null while listed.',
  })
  readonly removedAt!: Date | null;

  @Field(() => [PhotoPositionType], {
    description:
      'Gallery position and caption per source (empty for photos stored before positions were kept). Lists are in gallery order.',
  })
  readonly positions!: PhotoPositionType[];

  @Field(() => String, { nullable: true, description: "Caption for display: the first source's that gave one; null when none." })
  readonly caption!: string | null;
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
    perceptualHash: record.perceptualHash,
    placeholder: record.placeholder,
    listedWidthPx: record.size.listedWidthPx,
    largestSize: record.size.largest,
    sizeDowngrade: record.size.sizeDowngrade,
    animated: record.animated,
    variants: record.variants.map((v) => ({ ...v })),
    storedFiles: storedFileNames(record),
    duplicateCount: record.duplicates.length,
    removedAt: record.removedAt,
    lastSeenAt: record.lastSeenAt,
    positions: Object.entries(record.gallery ?? {}).map(([source, place]) => ({
      source,
      position: place.position,
      caption: place.caption,
    })),
    caption: record.caption ?? null,
  };
}
