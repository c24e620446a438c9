import { Field, ObjectType } from 'type-graphql';

/** GraphQL `SkippedSource`: a requested source with no listing for a property. */
@ObjectType('SkippedSource', { description: 'A requested source with no listing for a property (not a failure).' })
export class SkippedSourceType {
  /** Source name. */
  @Field(() => String, { description: 'Source name.' })
  readonly source!: string;

  /** Why it was skipped. */
  @Field(() => String, { description: 'Why it was skipped, e.g. no listing URL and no search match.' })
  readonly reason!: string;
}
