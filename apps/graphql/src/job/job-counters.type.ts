import { COUNTER_NAMES } from '@phx/core';
import type { CounterName, ExtractionCounters } from '@phx/core';
import { Field, Int, ObjectType } from 'type-graphql';

/** The public description of each counter field of `JobCounters` and `Job` (one per name of core's `COUNTER_NAMES`). */
export const COUNTER_DESCRIPTIONS: Readonly<Record<CounterName, string>> = Object.freeze({
  totalProperties: 'Properties the job will process.',
  completedProperties:
    'Properties finished with every requested source read or skipped and every photo their listing pages declare accounted for (see partialProperties).',
  failedProperties: 'Properties that failed (see Job.failedPropertiesList).',
  partialProperties:
    'Properties finished with every source read but fewer photos than a listing page declares (PropertyOutcome status PARTIAL); not in completedProperties or failedProperties.',
  deferredProperties:
    'Properties put off because a site asked for a longer wait (Retry-After) than the job may take (PropertyOutcome status DEFERRED, see retryAt): not failed, tried again by a later run; not in completedProperties or failedProperties.',
  totalImages: 'Photos stored or recognised: newImages + duplicateImages (in a dry run: photos listed).',
  newImages: 'Photos whose bytes were not stored for the property before.',
  duplicateImages: 'Photos whose bytes were already stored for the property.',
  failedImages: 'Photos that could not be downloaded or decoded.',
  unchangedImages:
    'Photos already recorded by an earlier run (same photo id or URL, or a host answering 304 Not Modified): not stored again; not in totalImages.',
  removedImages: 'Recorded photos no longer on the listings, marked removed (kept) by a complete re-run of their property.',
  placeholderImages:
    'Photos stored or unchanged that are placeholders (flat images: solid colours, "Coming Soon" cards), summed over the finished properties; also counted as new, duplicate or unchanged.',
});

/** A class whose instances have every counter of core's `ExtractionCounters`; the GraphQL fields are added below. */
const CountersShape = class {} as new () => ExtractionCounters;

/**
 * GraphQL `JobCounters`: a job's progress counters at one moment; `Job`
 * extends it, so both describe the counters once. One `Int!` field per name
 * of core's `COUNTER_NAMES`, in its order, described by {@link COUNTER_DESCRIPTIONS}.
 */
@ObjectType('JobCounters', {
  description: "A job's progress counters at one moment (the same meaning as the Job fields of the same names).",
})
export class JobCountersType extends CountersShape {}

for (const name of COUNTER_NAMES) Field(() => Int, { description: COUNTER_DESCRIPTIONS[name] })(JobCountersType.prototype, name);
