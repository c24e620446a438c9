import { Field, Int, ObjectType } from 'type-graphql';

/** GraphQL `ExtractionFailure`: one failure met while extracting a property. */
@ObjectType('ExtractionFailure', { description: 'One failure met while extracting a property: a source or a photo.' })
export class ExtractionFailureType {
  /** Source involved, or null. */
  @Field(() => String, { nullable: true, description: 'Source involved, or null when not tied to one.' })
  readonly source!: string | null;

  /** URL of the page or photo involved, or null. */
  @Field(() => String, { nullable: true, description: 'URL of the page or photo involved, or null.' })
  readonly url!: string | null;

  /** Stable error code, e.g. `INVALID_IMAGE`. */
  @Field(() => String, { description: 'Stable error code, e.g. "INVALID_IMAGE", "PHOTO_DATA_MISSING".' })
  readonly code!: string;

  /** Message naming the page or photo and what was wrong. */
  @Field(() => String, { description: 'Message naming the page or photo and what was wrong.' })
  readonly message!: string;

  /** The wait the site asked for, in ms. */
  @Field(() => Int, { nullable: true, description: 'How long the site asked to be left alone (Retry-After), in ms; null when it asked for no wait.' })
  readonly retryAfterMs!: number | null;
}
