import { InvalidInputError, NotFoundError, parseSources } from '@phx/core';
import type { PropertyFilter } from '@phx/jobs';
import { addCatalogProperty, MAX_PROPERTY_PAGE, removeUnusedProperty } from '@phx/jobs';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { PropertyConnectionType, toPropertyConnection } from './property-connection.type.js';
import { PropertyFilterInput } from './property-filter.input.js';
import { PropertyImportReportType, toPropertyImportReport } from './property-import.type.js';
import { PropertyType, toPropertyType } from './property.type.js';
import { SourceExtractionType, toSourceExtractionType } from './source-extraction.type.js';

/** Page size of the `properties` query when `first` is not given. */
export const DEFAULT_PROPERTY_PAGE_SIZE = 20;

/** Queries and mutations of the properties catalog (the `properties` collection every server and worker shares). */
@Resolver(() => PropertyType)
export class PropertyResolver {
  /** The `properties` query (see its `description`). */
  @Query(() => PropertyConnectionType, {
    description:
      'A page of the catalog, ordered by id, filtered by address search, label and source: first (1..100) properties after the cursor after, ' +
      'and totalCount for the filter. A page size out of range, an unknown source or a bad cursor: BAD_USER_INPUT.',
  })
  async properties(
    @Arg('filter', () => PropertyFilterInput, { nullable: true, description: 'Which properties; absent lists all.' })
    filter: PropertyFilterInput | null | undefined,
    @Arg('first', () => Int, { defaultValue: DEFAULT_PROPERTY_PAGE_SIZE, description: `Page size, 1..${MAX_PROPERTY_PAGE}.` })
    first: number,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The endCursor of the previous page (or any edge cursor); absent for the first page.',
    })
    after: string | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyConnectionType> {
    return toPropertyConnection(await services.catalog.list(toPropertyFilter(filter), { first, after: after ?? null }));
  }

  /** The `property` query (see its `description`). */
  @Query(() => PropertyType, {
    description:
      'One catalog property, by id (its address slug) or by address (in any case and spacing). ' +
      'Give exactly one: else BAD_USER_INPUT. No such property: NOT_FOUND.',
  })
  async property(
    @Arg('id', () => ID, { nullable: true, description: 'The property id, e.g. "4732-w-davis-rd-glendale-az-85306".' })
    id: string | null | undefined,
    @Arg('address', () => String, { nullable: true, description: 'The address, in any case and spacing.' })
    address: string | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyType> {
    const given = [id, address].filter((v): v is string => v !== null && v !== undefined);
    const [wanted] = given;
    if (given.length !== 1 || wanted === undefined) {
      throw new InvalidInputError('property arguments', [
        { path: given.length === 0 ? 'id|address' : 'id', message: 'give exactly one of id and address' },
      ]);
    }
    const property = await services.catalog.get(wanted);
    if (property === null) throw new NotFoundError('property', wanted, { where: 'the catalog' });
    return toPropertyType(property);
  }

  /** `Property.lastExtractions` (see its `description`). */
  @FieldResolver(() => [SourceExtractionType], {
    description:
      'Per source, the last extraction of this property: the newest ended job (of its last 50) that read, skipped or failed that source, ' +
      'with how the property ended there and its photo counts. Read from the jobs, so never out of step with them; empty when no job ended with it.',
  })
  async lastExtractions(@Root() property: PropertyType, @Ctx() { services }: GraphqlContext): Promise<SourceExtractionType[]> {
    return (await services.jobs.lastExtractions(property.id)).map(toSourceExtractionType);
  }

  /** The `importProperties` mutation (see its `description`). */
  @Mutation(() => PropertyImportReportType, {
    description:
      'Imports a properties CSV (header address,zillow_url,redfin_url) into the catalog as an upsert by normalised address, and reports ' +
      'what it did. Bad rows (no address, an address with no Latin letter or digit, a repeated address, a non-empty value past the ' +
      "header's columns, a URL not of its column's site, a listing another property holds) are reported with their line and reason, " +
      'the rest import. No address header or malformed CSV: BAD_USER_INPUT naming the line (for a quote never closed, the line where ' +
      'its quoted value opens).',
  })
  async importProperties(
    @Arg('csv', () => String, { description: 'The CSV text (UTF-8).' }) csv: string,
    @Arg('label', () => String, {
      nullable: true,
      description: 'A label added to every imported property, e.g. "phoenix-2025" (the label rule of addProperty).',
    })
    label: string | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyImportReportType> {
    return toPropertyImportReport(
      await services.catalog.importCsv(csv, { name: 'importProperties csv', ...(label == null ? {} : { label }) }),
    );
  }

  /** The `addProperty` mutation (see its `description`). */
  @Mutation(() => PropertyType, {
    description:
      'Adds a property to the catalog by address or by a Zillow or Redfin listing URL (the address then comes from the URL), or returns ' +
      'the one it already holds, with the labels added. Give exactly one of address and listingUrl: else BAD_USER_INPUT; a URL of another site: BAD_USER_INPUT; ' +
      'a label not 1..64 letters a-z, digits, "-", "_" or "." (trimmed; stored lower-case): BAD_USER_INPUT naming it, nothing added; ' +
      'a URL whose listing another property holds while the URL spells another address: CONFLICT (reason LISTING_ID_TAKEN) naming that property.',
  })
  async addProperty(
    @Arg('address', () => String, { nullable: true, description: 'The street address, e.g. "4732 W Davis Rd, Glendale, AZ 85306".' })
    address: string | null | undefined,
    @Arg('listingUrl', () => String, { nullable: true, description: 'A listing page URL of Zillow or Redfin.' })
    listingUrl: string | null | undefined,
    @Arg('labels', () => [String], {
      nullable: true,
      description: 'Labels to add to it: each 1..64 letters a-z, digits, "-", "_" or "." after trimming, stored lower-case.',
    })
    labels: readonly string[] | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyType> {
    const hasAddress = address !== null && address !== undefined;
    const hasUrl = listingUrl !== null && listingUrl !== undefined;
    if (hasAddress === hasUrl) {
      throw new InvalidInputError('addProperty arguments', [
        { path: 'address|listingUrl', message: 'give exactly one of address and listingUrl' },
      ]);
    }
    const target = hasUrl ? { listingUrl } : { address: address ?? '' };
    return toPropertyType(await addCatalogProperty(services.catalog, target, labels ?? []));
  }

  /** The `removeProperty` mutation (see its `description`). */
  @Mutation(() => PropertyType, {
    description:
      'Removes a property from the catalog (its jobs and stored photos stay) and returns it as it was. No such property: NOT_FOUND; ' +
      'a pending or running job includes it: CONFLICT (reason PROPERTY_IN_USE) naming the job.',
  })
  async removeProperty(
    @Arg('id', () => ID, { description: 'The property id, or its address.' }) id: string,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyType> {
    return toPropertyType(await removeUnusedProperty(services.catalog, services.jobs, id));
  }
}

function toPropertyFilter(input: PropertyFilterInput | null | undefined): PropertyFilter {
  if (input === null || input === undefined) return {};
  const [source] = input.source === null || input.source === undefined ? [] : parseSources([input.source]);
  return {
    ...(input.search === null || input.search === undefined ? {} : { search: input.search }),
    ...(input.label === null || input.label === undefined ? {} : { label: input.label }),
    ...(source === undefined ? {} : { source }),
  };
}
