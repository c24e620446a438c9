import { Field, Int, ObjectType } from 'type-graphql';

/** GraphQL `ExtractionFailure` (see its `description`). */
@ObjectType('ExtractionFailure', { description: 'One failure met while extracting a property: a source or a photo.' })
export class ExtractionFailureType {
  @Field(() => String, { nullable: true, description: 'Source involved, or null when not tied to one.' })
  readonly source!: string | null;

  @Field(() => String, { nullable: true, description: 'URL of the page or photo involved, or null.' })
  readonly url!: string | null;

  @Field(() => String, { description: 'Stable error code, e.g. "INVALID_IMAGE", "PHOTO_DATA_MISSING".' })
  readonly code!: string;

  @Field(() => String, { description: 'Message naming the page or photo and what was wrong.' })
  readonly message!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'How long the site asked to be left alone (Retry-After), in ms; null when it asked for no wait.',
  })
  readonly retryAfterMs!: number | null;
}
