import type { JobEventCounters } from '@phx/jobs';
import { Field, Int, ObjectType } from 'type-graphql';

/** GraphQL `JobCounters`: a job's progress counters at one moment; `Job` extends it, so both describe the counters once. */
@ObjectType('JobCounters', { description: "A job's progress counters at one moment (the same meaning as the Job fields of the same names)." })
export class JobCountersType implements JobEventCounters {
  /** Properties the job will process. */
  @Field(() => Int, { description: 'Properties the job will process.' })
  readonly totalProperties!: number;

  /** Properties finished successfully. */
  @Field(() => Int, { description: 'Properties finished with every requested source read or skipped and every photo their listing pages declare accounted for (see partialProperties).' })
  readonly completedProperties!: number;

  /** Properties that failed. */
  @Field(() => Int, { description: 'Properties that failed (see Job.failedPropertiesList).' })
  readonly failedProperties!: number;

  /** Properties that ended partial. */
  @Field(() => Int, {
    description:
      'Properties finished with every source read but fewer photos than a listing page declares (PropertyOutcome status PARTIAL); not in completedProperties or failedProperties.',
  })
  readonly partialProperties!: number;

  /** Properties deferred to a later run. */
  @Field(() => Int, {
    description:
      'Properties put off because a site asked for a longer wait (Retry-After) than the job may take (PropertyOutcome status DEFERRED, see retryAt): not failed, tried again by a later run; not in completedProperties or failedProperties.',
  })
  readonly deferredProperties!: number;

  /** Photos stored or recognised. */
  @Field(() => Int, { description: 'Photos stored or recognised: newImages + duplicateImages (in a dry run: photos listed).' })
  readonly totalImages!: number;

  /** Photos new for their property. */
  @Field(() => Int, { description: 'Photos whose bytes were not stored for the property before.' })
  readonly newImages!: number;

  /** Photos already stored for their property. */
  @Field(() => Int, { description: 'Photos whose bytes were already stored for the property.' })
  readonly duplicateImages!: number;

  /** Photos that failed. */
  @Field(() => Int, { description: 'Photos that could not be downloaded or decoded.' })
  readonly failedImages!: number;

  /** Photos already recorded and not downloaded again. */
  @Field(() => Int, {
    description:
      'Photos already recorded by an earlier run (same photo id or URL, or a host answering 304 Not Modified): not stored again; not in totalImages.',
  })
  readonly unchangedImages!: number;

  /** Records marked removed. */
  @Field(() => Int, { description: 'Recorded photos no longer on the listings, marked removed (kept) by a complete re-run of their property.' })
  readonly removedImages!: number;

  /** Placeholder photos of the finished properties. */
  @Field(() => Int, {
    description:
      'Photos stored or unchanged that are placeholders (flat images: solid colours, "Coming Soon" cards), summed over the finished properties; also counted as new, duplicate or unchanged.',
  })
  readonly placeholderImages!: number;
}
