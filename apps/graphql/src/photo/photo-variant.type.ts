import { Field, Int, ObjectType } from 'type-graphql';

/** GraphQL `PhotoVariant` (see its `description`). */
@ObjectType('PhotoVariant', { description: 'A web-size WebP copy of a photo, stored next to the original; never upscaled.' })
export class PhotoVariantType {
  @Field(() => String, { description: 'Variant name, e.g. "web" (longest side ≤ 2048 px) or "thumb" (≤ 400 px).' })
  readonly name!: string;

  @Field(() => String, { description: 'File name in the image store: <sha256>.<name>.webp.' })
  readonly fileName!: string;

  @Field(() => String, { description: 'Where the variant is stored: an absolute file path or a gridfs:// URI.' })
  readonly location!: string;

  @Field(() => String, { description: 'Encoded format: "webp".' })
  readonly format!: string;

  @Field(() => Int, { description: 'Width in px (upright).' })
  readonly widthPx!: number;

  @Field(() => Int, { description: 'Height in px (upright).' })
  readonly heightPx!: number;

  @Field(() => Int, { description: 'Size of the variant file in bytes.' })
  readonly byteLength!: number;
}
