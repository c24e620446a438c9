import { useCallback, useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useAuth } from '../auth/auth.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ErrorNote } from '../components/error-note.js';
import { JobProgressBar, type LiveJob } from '../components/job-progress-bar.js';
import { graphql } from '../gql/index.js';
import { enumWords, formatDateTime, timeLimitWords } from '../lib/format.js';
import { failureGroupRows } from '../lib/failure-groups.js';
import { jobFetchModeWords } from '../lib/fetch-modes.js';
import { firstOutcomeTab, isFinalJobStatus, jobDataVersion, newerJobState } from '../lib/job-progress.js';
import { useRefreshOnChange } from '../lib/use-refresh-on-change.js';
import { JobOutcomes } from './job-outcomes.js';
import { JobTimeline } from './job-timeline.js';

const JobDetailQuery = graphql(`
  query JobDetail($id: ID!) {
    job(id: $id) {
      id
      status
      origin
      scheduleId
      sources
      isolationMode
      fetchMode
      dryRun
      timeoutSeconds
      createdAt
      startedAt
      completedAt
      errorMessage
      propertiesListed
      selectionAll
      selectionLabel
      ...JobCounterFields
      failureGroups {
        code
        message
        source
        count
        exampleUrl
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
 * timeline, and for admin keys cancel (unfinished) and retry (finished with failed, deferred or unfinished properties).
 *
 * @returns the page
 */
export function JobDetailPage(): ReactNode {
  const { jobId = '' } = useParams();
  const auth = useAuth();
  const navigate = useNavigate();
  const [result, reexecute] = useQuery({
    query: JobDetailQuery,
    variables: { id: jobId },
    requestPolicy: 'cache-and-network',
  });
  const [cancelState, cancelJob] = useMutation(CancelJobMutation);
  const [retryState, retryJob] = useMutation(RetryJobMutation);
  const [live, setLive] = useState<LiveJob | null>(null);

  const onLive = useCallback((job: LiveJob) => setLive(job), []);
  const loaded = result.data?.job;
  // The start time, failure groups and outcomes are read again as the job goes on (another property finished, a new status).
  const current = loaded === undefined ? undefined : newerJobState<typeof loaded>(loaded, live === null ? null : { ...loaded, ...live });
  const version = current === undefined ? '' : jobDataVersion(current.status, current);
  useRefreshOnChange(
    version,
    useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]),
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
  const counters = newerJobState<typeof job>(job, live === null ? null : { ...job, ...live });
  const status = counters.status;
  // Unfinished: properties a cancel or JOB_TIMEOUT stopped the job before; retryJob takes them with the failed and deferred.
  const ended = counters.completedProperties + counters.partialProperties + counters.failedProperties + counters.deferredProperties;
  const unfinished = Math.max(0, counters.totalProperties - ended);
  const canRetry = isFinalJobStatus(status) && counters.failedProperties + counters.deferredProperties + unfinished > 0;

  return (
    <>
      <h1>Job {job.id}</h1>
      <p className="lead">
        {enumWords(status)} · {enumWords(job.origin)}
        {job.scheduleId && <> (schedule {job.scheduleId})</>} · sources {job.sources.join(', ')} · {enumWords(job.isolationMode)} isolation
        · {jobFetchModeWords(job.fetchMode)}
        {job.dryRun && ' · dry run'}
        {job.timeoutSeconds !== null && ` · ${timeLimitWords(job.timeoutSeconds)}`}
        {job.selectionAll && ' · every catalog property'}
        {job.selectionLabel !== null && ` · label ${job.selectionLabel}`}
      </p>
      {!job.propertiesListed && !isFinalJobStatus(status) && (
        <p data-testid="listing-note">
          The worker that takes the job up reads its properties from the catalog first; the total shows then.
        </p>
      )}
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
              {unfinished > 0 ? 'Retry failed, deferred and unfinished properties' : 'Retry failed and deferred properties'}
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

      <JobOutcomes jobId={job.id} version={version} initialTab={firstOutcomeTab(counters)} />

      <JobTimeline jobId={job.id} />
    </>
  );
}
