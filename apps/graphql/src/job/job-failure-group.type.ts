import { Field, ID, Int, ObjectType } from 'type-graphql';

/** GraphQL `JobFailureGroup` (see its `description`): one entry of `Job.failureGroups`. */
@ObjectType('JobFailureGroup', {
  description: "The failures of a job's failed and partial properties that share a source, an error code and a message.",
})
export class JobFailureGroupType {
  @Field(() => String, { description: 'Stable error code, e.g. "PHOTO_DATA_MISSING".' })
  readonly code!: string;

  @Field(() => String, { description: 'The message the failures share.' })
  readonly message!: string;

  @Field(() => String, { nullable: true, description: 'The source they came from, e.g. "zillow"; null when not tied to one.' })
  readonly source!: string | null;

  @Field(() => Int, { description: 'How many failures are in the group (a property may add several).' })
  readonly count!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The URL of the first failure of the group that names a page or photo; null when none does.',
  })
  readonly exampleUrl!: string | null;

  @Field(() => [ID], { description: "The first 5 properties with such a failure, in the job's order." })
  readonly propertyIds!: readonly string[];
}
