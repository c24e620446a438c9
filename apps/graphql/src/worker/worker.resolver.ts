import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { WorkerType, toWorkerType } from './worker.type.js';

/** The `workers` query: which worker processes are registered, alive, and what they run. */
@Resolver(() => WorkerType)
export class WorkerResolver {
  /** The `workers` query (see its `description`). */
  @Query(() => [WorkerType], {
    description: 'Every registered worker process, oldest start first, with whether it is alive and the jobs it runs.',
  })
  async workers(@Ctx() { services }: GraphqlContext): Promise<WorkerType[]> {
    return (await services.workers.list()).map(toWorkerType);
  }
}
