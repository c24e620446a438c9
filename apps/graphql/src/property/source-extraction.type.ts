import type { PropertyOutcomeStatus } from '@phx/core';
import type { SourceExtraction } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PropertyOutcomeStatusEnum } from '../job/property-outcome-status.enum.js';

/** The GraphQL `SourceResult` enum over `read` / `skipped` / `failed`. */
export const SourceResultEnum = Object.freeze({ READ: 'read', SKIPPED: 'skipped', FAILED: 'failed' } as const);

registerEnumType(SourceResultEnum, {
  name: 'SourceResult',
  description: 'What a job did with one source of a property.',
  valuesConfig: {
    READ: { description: 'Its listing page was read and its photos listed.' },
    SKIPPED: { description: 'No listing: no URL known and the address search found none.' },
    FAILED: { description: 'Its page or photos failed; see the job’s property outcome.' },
  },
});

/** GraphQL `SourceExtraction` (see its `description`). */
@ObjectType('SourceExtraction', {
  description: 'The last extraction of a property on one source: the newest ended job that read, skipped or failed that source.',
})
export class SourceExtractionType {
  @Field(() => String, { description: 'The source, e.g. "zillow".' })
  readonly source!: string;

  @Field(() => ID, { description: 'The job.' })
  readonly jobId!: string;

  @Field(() => DateTimeResolver, { description: 'When the job ended.' })
  readonly finishedAt!: Date;

  @Field(() => SourceResultEnum, { description: 'What the job did with this source.' })
  readonly sourceResult!: SourceExtraction['sourceResult'];

  @Field(() => PropertyOutcomeStatusEnum, { description: 'How the property ended in that job (over all its sources).' })
  readonly status!: PropertyOutcomeStatus;

  @Field(() => Int, { description: 'Photos the job listed for the property (all its sources).' })
  readonly photosFound!: number;

  @Field(() => Int, { description: 'Photos newly stored.' })
  readonly newImages!: number;

  @Field(() => Int, { description: 'Photos already stored (same photo on another source or size).' })
  readonly duplicateImages!: number;

  @Field(() => Int, { description: 'Photos already recorded and not downloaded again.' })
  readonly unchangedImages!: number;

  @Field(() => Int, { description: 'Photos that failed.' })
  readonly failedImages!: number;

  @Field(() => Int, { description: 'Photos the listing pages declare that the job did not account for.' })
  readonly missingPhotos!: number;
}

/**
 * Maps a source's last extraction to its GraphQL shape.
 *
 * @param extraction - from `JobService.lastExtractions` of `@phx/jobs`
 * @returns the GraphQL `SourceExtraction`
 */
export function toSourceExtractionType(extraction: SourceExtraction): SourceExtractionType {
  const { counts } = extraction;
  return {
    source: extraction.source,
    jobId: extraction.jobId,
    finishedAt: extraction.finishedAt,
    sourceResult: extraction.sourceResult,
    status: extraction.status,
    photosFound: counts.photosFound,
    newImages: counts.newImages,
    duplicateImages: counts.duplicateImages,
    unchangedImages: counts.unchangedImages,
    failedImages: counts.failedImages,
    missingPhotos: counts.missingPhotos,
  };
}
