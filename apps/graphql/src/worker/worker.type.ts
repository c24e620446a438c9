import type { WorkerView } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';

/** GraphQL `WorkerJob` (see its `description`). */
@ObjectType('WorkerJob', { description: 'A job a worker runs, and since when.' })
export class WorkerJobType {
  @Field(() => ID, { description: 'The job id.' })
  readonly jobId!: string;

  @Field(() => DateTimeResolver, { description: 'When the worker took the job up.' })
  readonly since!: Date;
}

/** GraphQL `Worker` (see its `description`). */
@ObjectType('Worker', {
  description:
    'A worker process as it registered itself (collection workers): it writes its registration every heartbeat interval and deletes it on a clean shutdown; ' +
    'one that died stays listed, not alive, until 24 h after its last heartbeat.',
})
export class WorkerType {
  @Field(() => ID, { description: 'Worker id: hostname:pid:random suffix, new at every process start.' })
  readonly id!: string;

  @Field(() => String, { description: 'Host name of its machine.' })
  readonly hostname!: string;

  @Field(() => Int, { description: 'Its process id on that machine.' })
  readonly pid!: number;

  @Field(() => DateTimeResolver, { description: 'When the process registered.' })
  readonly startedAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When it last wrote its registration.' })
  readonly lastHeartbeatAt!: Date;

  @Field(() => Boolean, { description: 'True while its last heartbeat is at most 3 of its heartbeat intervals (WORKER_HEARTBEAT_MS) old.' })
  readonly alive!: boolean;

  @Field(() => Int, { description: 'How many jobs it runs at once at most (MAX_CONCURRENT_JOBS).' })
  readonly concurrency!: number;

  @Field(() => [WorkerJobType], { description: 'The jobs it ran at its last heartbeat.' })
  readonly runningJobs!: readonly WorkerJobType[];
}

/**
 * Maps a registered worker to its GraphQL shape.
 *
 * @param worker - the registration with `alive`
 * @returns the GraphQL `Worker`
 */
export function toWorkerType(worker: WorkerView): WorkerType {
  const { id, hostname, pid, startedAt, lastHeartbeatAt, alive, concurrency, runningJobs } = worker;
  return {
    id,
    hostname,
    pid,
    startedAt,
    lastHeartbeatAt,
    alive,
    concurrency,
    runningJobs: runningJobs.map(({ jobId, since }) => ({ jobId, since })),
  };
}
