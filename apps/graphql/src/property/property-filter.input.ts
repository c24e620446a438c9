import { Field, InputType } from 'type-graphql';

/** GraphQL `PropertyFilter` of the `properties` query (see its `description`). */
@InputType('PropertyFilter', {
  description: 'Which catalog properties to list; every given part must match. Matching nothing: an empty page.',
})
export class PropertyFilterInput {
  @Field(() => String, { nullable: true, description: 'A piece of the address, in any case (taken literally, not as a pattern).' })
  readonly search?: string | null | undefined;

  @Field(() => String, {
    nullable: true,
    description:
      'A label the property has, in any case, e.g. "sample". Not a label (1..64 letters a-z, digits, "-", "_", "."): BAD_USER_INPUT.',
  })
  readonly label?: string | null | undefined;

  @Field(() => String, {
    nullable: true,
    description: 'A source the property has a listing URL for, e.g. "zillow". Unknown source: BAD_USER_INPUT.',
  })
  readonly source?: string | null | undefined;
}
