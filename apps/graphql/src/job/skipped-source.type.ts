import { Field, ObjectType } from 'type-graphql';

/** GraphQL `SkippedSource` (see its `description`). */
@ObjectType('SkippedSource', { description: 'A requested source with no listing for a property (not a failure).' })
export class SkippedSourceType {
  @Field(() => String, { description: 'Source name.' })
  readonly source!: string;

  @Field(() => String, { description: 'Why it was skipped, e.g. no listing URL and no search match.' })
  readonly reason!: string;
}
