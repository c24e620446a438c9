import { Field, ObjectType } from 'type-graphql';

/** GraphQL `ListingUrl`: the listing page of a property on one source. */
@ObjectType('ListingUrl', { description: 'The listing page of a property on one source.' })
export class ListingUrlType {
  /** Source name, e.g. `zillow`. */
  @Field(() => String, { description: 'Source name, e.g. "zillow".' })
  readonly source!: string;

  /** Absolute https URL of the listing page. */
  @Field(() => String, { description: 'Absolute https URL of the listing page.' })
  readonly url!: string;
}
