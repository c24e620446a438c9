import { Field, Int, ObjectType } from 'type-graphql';

/** GraphQL `PhotoVariant`: a web-size copy of a photo stored next to its original. */
@ObjectType('PhotoVariant', { description: 'A web-size WebP copy of a photo, stored next to the original; never upscaled.' })
export class PhotoVariantType {
  /** Variant name. */
  @Field(() => String, { description: 'Variant name, e.g. "web" (longest side ≤ 2048 px) or "thumb" (≤ 400 px).' })
  readonly name!: string;

  /** File name in the image store. */
  @Field(() => String, { description: 'File name in the image store: <sha256>.<name>.webp.' })
  readonly fileName!: string;

  /** Location in the image store. */
  @Field(() => String, { description: 'Where the variant is stored: an absolute file path or a gridfs:// URI.' })
  readonly location!: string;

  /** Encoded format. */
  @Field(() => String, { description: 'Encoded format: "webp".' })
  readonly format!: string;

  /** Width in px. */
  @Field(() => Int, { description: 'Width in px (upright).' })
  readonly widthPx!: number;

  /** Height in px. */
  @Field(() => Int, { description: 'Height in px (upright).' })
  readonly heightPx!: number;

  /** Size in bytes. */
  @Field(() => Int, { description: 'Size of the variant file in bytes.' })
  readonly byteLength!: number;
}
