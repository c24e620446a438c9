import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync, type PubSub } from 'type-graphql';
import { MeResolver } from './auth/me.resolver.js';
import { JobEventsResolver } from './job/job-events.resolver.js';
import { JobProgressResolver } from './job/job-progress.resolver.js';
import { JobResolver } from './job/job.resolver.js';
import { JobPropertiesResolver } from './job/job-properties.resolver.js';
import { JobFailuresResolver } from './job/job-failures.resolver.js';
import { ImageResolver } from './images/image.resolver.js';
import { PhotoResolver } from './photo/photo.resolver.js';
import { PropertyResolver } from './property/property.resolver.js';
import { ScheduleResolver } from './schedule/schedule.resolver.js';
import { ScheduleRunsResolver } from './schedule/schedule-runs.resolver.js';
import { WorkerResolver } from './worker/worker.resolver.js';

/** Every resolver class of the API. */
export const GRAPHQL_RESOLVERS = Object.freeze([
  JobResolver,
  JobPropertiesResolver,
  JobFailuresResolver,
  JobProgressResolver,
  JobEventsResolver,
  PropertyResolver,
  PhotoResolver,
  ScheduleResolver,
  ScheduleRunsResolver,
  WorkerResolver,
  ImageResolver,
  MeResolver,
] as const);

/**
 * type-graphql insists on a pub/sub as soon as a subscription exists, but
 * ours bring their own `subscribe` (the MongoDB-backed progress feed), so
 * nothing may publish through this one.
 */
const unusedPubSub: PubSub = Object.freeze({
  publish(routingKey: string): void {
    throw new Error(`in-process pub/sub is not used (topic "${routingKey}"); subscriptions read the progress feed`);
  },
  subscribe(routingKey: string): AsyncIterable<unknown> {
    throw new Error(`in-process pub/sub is not used (topic "${routingKey}"); subscriptions read the progress feed`);
  },
});

/**
 * Builds the executable schema from the resolver classes. Services are not
 * bound here: resolvers read them from the request context, so one schema
 * serves any set of services.
 *
 * @returns the schema
 * @example
 * ```ts
 * import { printSchema } from 'graphql';
 * console.log(printSchema(buildGraphqlSchema()));
 * ```
 */
export function buildGraphqlSchema(): GraphQLSchema {
  return buildSchemaSync({
    resolvers: [...GRAPHQL_RESOLVERS],
    pubSub: unusedPubSub,
    validate: false,
  });
}
