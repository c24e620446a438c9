import type { ReactNode } from 'react';
import { useSubscription } from 'urql';
import { ErrorNote } from '../components/error-note.js';
import { graphql } from '../gql/index.js';
import type { JobEventsSubscription } from '../gql/graphql.js';
import { appendEvent } from '../lib/event-log.js';
import { enumWords, formatDateTime } from '../lib/format.js';

const JobEventsSubscriptionDoc = graphql(`
  subscription JobEvents($jobIds: [ID!]!) {
    jobEvents(filter: { jobIds: $jobIds }) {
      id
      seq
      type
      at
      status
      propertyId
      address
      source
      photoId
      isNew
      propertyStatus
      error {
        code
        message
        url
      }
    }
  }
`);

type JobEvent = JobEventsSubscription['jobEvents'];

function describe(event: JobEvent): string {
  switch (event.type) {
    case 'STATUS':
      return `Status ${enumWords(event.status)}`;
    case 'PROPERTY_STARTED':
      return `Started ${event.address ?? event.propertyId ?? ''}`;
    case 'PROPERTY_FINISHED':
      return `Finished ${event.address ?? event.propertyId ?? ''}: ${enumWords(event.propertyStatus ?? '')}`;
    case 'PHOTO_STORED':
      return `${event.isNew ? 'New' : 'Duplicate'} photo from ${event.source ?? '?'} (${event.propertyId ?? ''})`;
    case 'PHOTO_FAILED':
      return `Failed on ${event.source ?? '?'} (${event.propertyId ?? ''})`;
    default:
      return 'Counters changed';
  }
}

/**
 * The event timeline of a job (Subscription.jobEvents from its first event, then live), newest first; the last 200 kept.
 *
 * @param props - `jobId`
 * @returns the timeline section
 */
export function JobTimeline(props: { readonly jobId: string }): ReactNode {
  const [result] = useSubscription(
    { query: JobEventsSubscriptionDoc, variables: { jobIds: [props.jobId] } },
    (events: JobEvent[] = [], data) => appendEvent(events, data.jobEvents),
  );
  const events = result.data ?? [];
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Event timeline</h2>
      <ErrorNote error={result.error} />
      <p>{events.length === 0 ? 'No events yet.' : `The last ${events.length} events, newest first.`}</p>
      <ul className="timeline" tabIndex={0} aria-label="Job events, newest first">
        {[...events].reverse().map((e) => (
          <li key={e.id} data-event-type={e.type}>
            <span className="seq">#{e.seq}</span> <time dateTime={e.at}>{formatDateTime(e.at)}</time> {describe(e)}
            {e.error && (
              <span className="event-error">
                {' '}
                — {e.error.code}: {e.error.message}
                {e.error.url && <> ({e.error.url})</>}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
