import { useCallback, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useAuth } from '../auth/auth.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ErrorNote } from '../components/error-note.js';
import { JobProgressBar, type LiveJob } from '../components/job-progress-bar.js';
import { FIRST_PAGE, Pager, type CursorPages } from '../components/pager.js';
import { graphql } from '../gql/index.js';
import type { JobPropertyStatus } from '../gql/graphql.js';
import { enumWords, formatDateTime } from '../lib/format.js';
import { failureGroupRows } from '../lib/failure-groups.js';
import { isFinalJobStatus } from '../lib/job-progress.js';
import { OUTCOME_TABS } from '../lib/vocabulary.js';
import { JobTimeline } from './job-timeline.js';

const JobDetailQuery = graphql(`
  query JobDetail($id: ID!, $status: JobPropertyStatus, $first: Int!, $after: String) {
    job(id: $id) {
      id
      status
      origin
      scheduleId
      sources
      isolationMode
      dryRun
      createdAt
      startedAt
      completedAt
      errorMessage
      ...JobCounterFields
      failureGroups {
        code
        message
        source
        count
        exampleUrl
        propertyIds
      }
      properties(status: $status, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            index
            status
            property {
              id
              address
            }
            outcome {
              photosFound
              newImages
              duplicateImages
              unchangedImages
              failedImages
              missingPhotos
              retryAt
              sourcesRead
              failures {
                source
                url
                code
                message
              }
            }
          }
        }
      }
    }
  }
`);

const CancelJobMutation = graphql(`
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) {
      id
      status
    }
  }
`);

const RetryJobMutation = graphql(`
  mutation RetryJob($id: ID!) {
    retryJob(id: $id) {
      id
    }
  }
`);

const COUNTERS = [
  ['totalProperties', 'Properties'],
  ['completedProperties', 'Completed'],
  ['partialProperties', 'Partial'],
  ['deferredProperties', 'Deferred'],
  ['failedProperties', 'Failed'],
  ['totalImages', 'Photos stored or recognised'],
  ['newImages', 'New photos'],
  ['duplicateImages', 'Duplicates'],
  ['unchangedImages', 'Unchanged'],
  ['failedImages', 'Failed photos'],
  ['removedImages', 'Removed'],
  ['placeholderImages', 'Placeholders'],
] as const;

/**
 * One job: live progress and counters, failures grouped by code and message, its properties by outcome (paged), the event
 * timeline, and for admin keys cancel (unfinished) and retry (finished with failed or deferred properties).
 *
 * @returns the page
 */
export function JobDetailPage(): ReactNode {
  const { jobId = '' } = useParams();
  const auth = useAuth();
  const navigate = useNavigate();
  const [tab, setTab] = useState<JobPropertyStatus>('FAILED');
  const [pages, setPages] = useState<CursorPages>(FIRST_PAGE);
  const [result, reexecute] = useQuery({
    query: JobDetailQuery,
    variables: { id: jobId, status: tab, first: 20, after: pages.after },
    requestPolicy: 'cache-and-network',
  });
  const [cancelState, cancelJob] = useMutation(CancelJobMutation);
  const [retryState, retryJob] = useMutation(RetryJobMutation);
  const [live, setLive] = useState<LiveJob | null>(null);

  const onLive = useCallback(
    (job: LiveJob) => {
      setLive((previous) => {
        if (previous?.status !== job.status && isFinalJobStatus(job.status)) reexecute({ requestPolicy: 'network-only' });
        return job;
      });
    },
    [reexecute],
  );

  const job = result.data?.job;
  if (!job) {
    return (
      <>
        <h1>Job {jobId}</h1>
        <ErrorNote error={result.error} />
        {result.fetching && <p>Loading…</p>}
      </>
    );
  }
  const counters = { ...job, ...(live ?? {}) };
  const status = counters.status;
  const canRetry = isFinalJobStatus(status) && counters.failedProperties + counters.deferredProperties > 0;

  return (
    <>
      <h1>Job {job.id}</h1>
      <p className="lead">
        {enumWords(status)} · {enumWords(job.origin)}
        {job.scheduleId && <> (schedule {job.scheduleId})</>} · sources {job.sources.join(', ')} · {enumWords(job.isolationMode)} isolation
        {job.dryRun && ' · dry run'}
      </p>
      <p>
        Created {formatDateTime(job.createdAt)} · started {formatDateTime(job.startedAt)} · ended {formatDateTime(job.completedAt)}
      </p>
      <JobProgressBar jobId={job.id} initial={job} onChange={onLive} />
      <ErrorNote error={counters.errorMessage} />
      {auth.canAct && (
        <div className="actions">
          {!isFinalJobStatus(status) && (
            <button
              type="button"
              data-testid="cancel-job"
              disabled={cancelState.fetching}
              onClick={() => void cancelJob({ id: job.id }).then(() => reexecute({ requestPolicy: 'network-only' }))}
            >
              Cancel job
            </button>
          )}
          {canRetry && (
            <button
              type="button"
              data-testid="retry-job"
              disabled={retryState.fetching}
              onClick={() =>
                void retryJob({ id: job.id }).then((r) => {
                  if (r.data) void navigate(`/jobs/${r.data.retryJob.id}`);
                })
              }
            >
              Retry failed and deferred properties
            </button>
          )}
          <ErrorNote error={cancelState.error ?? retryState.error} />
        </div>
      )}

      <section aria-labelledby="counters-heading">
        <h2 id="counters-heading">Counters</h2>
        <dl className="counts">
          {COUNTERS.map(([field, label]) => (
            <div key={field}>
              <dt>{label}</dt>
              <dd>{counters[field]}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">Failures by code and message</h2>
        {job.failureGroups.length === 0 ? (
          <p>No failures.</p>
        ) : (
          <table className="data">
            <ColumnHeads names={['Source · code', 'Message', 'Count', 'Example']} />
            <tbody>
              {failureGroupRows(job.failureGroups).map((g) => (
                <tr key={g.key}>
                  <td>{g.label}</td>
                  <td>{g.message}</td>
                  <td>
                    {g.count} ({g.sharePercent}%)
                  </td>
                  <td className="url">{g.exampleUrl ? <a href={g.exampleUrl}>{g.exampleUrl}</a> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="outcomes-heading">
        <h2 id="outcomes-heading">Properties by outcome</h2>
        <div className="tabs" role="group" aria-label="Outcome">
          {OUTCOME_TABS.map((t) => (
            <button
              key={t}
              type="button"
              aria-pressed={tab === t}
              onClick={() => {
                setTab(t);
                setPages(FIRST_PAGE);
              }}
            >
              {enumWords(t)}
            </button>
          ))}
        </div>
        <p>
          {job.properties.totalCount} {enumWords(tab)}
        </p>
        <ul className="outcomes">
          {job.properties.edges.map(({ node }) => (
            <li key={node.index} data-testid="job-property" data-status={node.status}>
              <h3>
                <Link to={`/properties/${encodeURIComponent(node.property.id)}`}>{node.property.address}</Link>
              </h3>
              {node.outcome && (
                <p>
                  {node.outcome.photosFound} photos found · {node.outcome.newImages} new · {node.outcome.duplicateImages} duplicate ·{' '}
                  {node.outcome.unchangedImages} unchanged · {node.outcome.failedImages} failed · {node.outcome.missingPhotos} missing
                  {node.outcome.retryAt && <> · retried after {formatDateTime(node.outcome.retryAt)}</>}
                </p>
              )}
              {node.outcome && node.outcome.failures.length > 0 && (
                <table className="data failures">
                  <caption>Failures of {node.property.address}</caption>
                  <ColumnHeads names={['Source', 'Code', 'Reason', 'URL']} />
                  <tbody>
                    {node.outcome.failures.map((f, i) => (
                      <tr key={i}>
                        <td>{f.source ?? '—'}</td>
                        <td>{f.code}</td>
                        <td data-testid="failure-reason">{f.message}</td>
                        <td className="url">{f.url ? <a href={f.url}>{f.url}</a> : '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </li>
          ))}
        </ul>
        <Pager
          label="Properties"
          pages={pages}
          onChange={setPages}
          hasNextPage={job.properties.pageInfo.hasNextPage}
          endCursor={job.properties.pageInfo.endCursor}
        />
      </section>

      <JobTimeline jobId={job.id} />
    </>
  );
}
