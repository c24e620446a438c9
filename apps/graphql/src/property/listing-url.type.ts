import { Field, ObjectType } from 'type-graphql';

/** GraphQL `ListingUrl` (see its `description`). */
@ObjectType('ListingUrl', { description: 'The listing page of a property on one source.' })
export class ListingUrlType {
  @Field(() => String, { description: 'Source name, e.g. "zillow".' })
  readonly source!: string;

  @Field(() => String, { description: 'Absolute https URL of the listing page.' })
  readonly url!: string;

  @Field(() => String, {
    nullable: true,
    description: "The site's listing id read from the URL (Zillow's zpid, Redfin's property id); null when the URL does not carry one.",
  })
  readonly listingId!: string | null;
}
