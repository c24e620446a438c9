import type { JobEvent } from '@phx/jobs';
import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { JobEventFilterInput, toJobEventQuery } from './job-event-filter.input.js';
import { JobEventType, toJobEventType } from './job-event.type.js';

/** The `jobEvents` subscription: the event logs of jobs, from any worker, through MongoDB. */
@Resolver(() => JobEventType)
export class JobEventsResolver {
  /** The `jobEvents` subscription (see its `description`). */
  @Subscription(() => JobEventType, {
    description:
      'The events of jobs (status changes, properties started and finished, photos stored and failed, counters), each once and in order per job, ' +
      'from the first, or after afterEventId; then live. Completes after the final status (COMPLETED, FAILED, CANCELLED) of every job, ' +
      'at once for jobs already final. Unknown job: NOT_FOUND; malformed ids or filter: BAD_USER_INPUT.',
    subscribe: async ({ args, context }) => {
      const { services } = context as GraphqlContext;
      const { filter, afterEventId } = args as { filter: JobEventFilterInput; afterEventId?: readonly string[] | null };
      return services.events.open(toJobEventQuery(filter, afterEventId));
    },
  })
  jobEvents(
    @Root() event: JobEvent,
    @Arg('filter', () => JobEventFilterInput) _filter: JobEventFilterInput,
    @Arg('afterEventId', () => [ID], {
      nullable: true,
      description:
        'The id of the last event you received: you get what came after it, then live events (none lost, none twice). ' +
        'Following several jobs, give the last id of each.',
    })
    _afterEventId?: readonly string[] | null,
  ): JobEventType {
    return toJobEventType(event);
  }
}
