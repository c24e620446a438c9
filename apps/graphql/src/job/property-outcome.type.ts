import type { PropertyOutcome } from '@phx/core';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ExtractionFailureType } from './extraction-failure.type.js';
import { PropertyOutcomeStatusEnum } from './property-outcome-status.enum.js';
import { SkippedSourceType } from './skipped-source.type.js';
import { SourceFetchModeType } from './source-fetch-mode.type.js';

/** GraphQL `PropertyOutcome` (see its `description`). */
@ObjectType('PropertyOutcome', { description: 'How one property of a job ended, with its photo counts.' })
export class PropertyOutcomeType {
  @Field(() => ID, { description: 'The property id.' })
  readonly propertyId!: string;

  @Field(() => String, { description: 'Its address.' })
  readonly address!: string;

  /** `completed`, `partial`, `deferred` or `failed` (shown as COMPLETED / PARTIAL / DEFERRED / FAILED). */
  @Field(() => PropertyOutcomeStatusEnum, { description: 'How the property ended.' })
  readonly status!: PropertyOutcome['status'];

  /** Photos listed by the sources. */
  @Field(() => Int, { description: 'Photos listed by the sources (before download).' })
  readonly photosFound!: number;

  /** Photos newly stored. */
  @Field(() => Int, { description: 'Photos newly stored.' })
  readonly newImages!: number;

  /** Photos already stored for the property. */
  @Field(() => Int, { description: 'Photos whose bytes were already stored for the property.' })
  readonly duplicateImages!: number;

  /** Photos that failed. */
  @Field(() => Int, { description: 'Photos that could not be downloaded or decoded.' })
  readonly failedImages!: number;

  /** Photos already recorded and not downloaded again. */
  @Field(() => Int, { description: 'Photos already recorded by an earlier run (same photo id or URL): not downloaded again.' })
  readonly unchangedImages!: number;

  /** Records marked removed. */
  @Field(() => Int, { description: 'Recorded photos no longer on the listings, marked removed (kept) by this run.' })
  readonly removedImages!: number;

  /** Photos declared by the listing pages and not accounted for. */
  @Field(() => Int, {
    description:
      'Photos the listing pages declare (photoCount, "See all N photos") that this run did not store, find duplicate or unchanged, or fail, summed over the sources read; > 0 exactly when status is PARTIAL.',
  })
  readonly missingPhotos!: number;
  /** Placeholder images among them. */
  @Field(() => Int, {
    description:
      'Photos stored or unchanged that are placeholders (flat images: solid colours, "Coming Soon" cards); also counted as new, duplicate or unchanged.',
  })
  readonly placeholderImages!: number;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description:
      'DEFERRED: the earliest time the property is tried again (the end of its attempt plus the wait its site asked for); else null.',
  })
  readonly retryAt!: Date | null;

  @Field(() => [String], { description: 'Sources whose photos were read.' })
  readonly sourcesRead!: readonly string[];

  @Field(() => [SourceFetchModeType], {
    description:
      "What served each source's listing page, in the order read; a source whose scraper did not say is left out (an outcome recorded before fetch modes existed has none).",
  })
  readonly fetchModes!: readonly SourceFetchModeType[];

  @Field(() => [SkippedSourceType], { description: 'Requested sources without a listing for this property.' })
  readonly skippedSources!: readonly SkippedSourceType[];

  @Field(() => [ExtractionFailureType], { description: 'Every failure met, in order.' })
  readonly failures!: readonly ExtractionFailureType[];
}

/**
 * Maps a domain property outcome to its GraphQL shape.
 *
 * @param outcome - the domain outcome
 * @returns the GraphQL `PropertyOutcome`
 */
export function toPropertyOutcomeType(outcome: PropertyOutcome): PropertyOutcomeType {
  return {
    propertyId: outcome.propertyId,
    address: outcome.address,
    status: outcome.status,
    photosFound: outcome.photosFound,
    newImages: outcome.newImages,
    duplicateImages: outcome.duplicateImages,
    failedImages: outcome.failedImages,
    unchangedImages: outcome.unchangedImages,
    removedImages: outcome.removedImages,
    missingPhotos: outcome.missingPhotos,
    placeholderImages: outcome.placeholderImages,
    retryAt: outcome.retryAt ?? null,
    sourcesRead: outcome.sourcesRead,
    fetchModes: outcome.fetchModes.map((f) => ({ source: f.source, mode: f.mode })),
    skippedSources: outcome.skippedSources.map((s) => ({ source: s.source, reason: s.reason })),
    failures: outcome.failures.map((f) => ({
      source: f.source,
      url: f.url,
      code: f.code,
      message: f.message,
      retryAfterMs: f.retryAfterMs ?? null,
    })),
  };
}
