import type { ExtractionJob } from '@phx/core';
import { toJobId } from '@phx/core';
import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { openJobProgressStream } from './job-progress-stream.js';
import { JobType, toJobType } from './job.type.js';

/** The live progress subscription of a job, fed by the job progress feed (MongoDB, any worker). */
@Resolver(() => JobType)
export class JobProgressResolver {
  /** The `jobProgress` subscription (see its `description`). */
  @Subscription(() => JobType, {
    description:
      "The job's current state, then each change of its counters or status; completes after COMPLETED, FAILED or CANCELLED. " +
      'Unknown job: NOT_FOUND; malformed id: BAD_USER_INPUT.',
    subscribe: ({ args, context }) => {
      const { services } = context as GraphqlContext;
      return openJobProgressStream(services.progress, toJobId(String((args as { jobId: unknown }).jobId)));
    },
  })
  jobProgress(@Root() job: ExtractionJob, @Arg('jobId', () => ID) _jobId: string): JobType {
    return toJobType(job);
  }
}
