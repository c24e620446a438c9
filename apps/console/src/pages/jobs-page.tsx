import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ChoiceSelect } from '../components/choice-select.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ErrorNote } from '../components/error-note.js';
import { JobProgressBar, type LiveJob } from '../components/job-progress-bar.js';
import { FIRST_PAGE, Pager, type CursorPages } from '../components/pager.js';
import { graphql } from '../gql/index.js';
import type { JobFilter } from '../gql/graphql.js';
import { enumWords, formatDateTime } from '../lib/format.js';
import { isFinalJobStatus } from '../lib/job-progress.js';
import { ignoredJobFilterParams, readJobFilterParams, toJobFilter, type JobFilterParams } from '../lib/job-filter.js';
import { JOB_ORIGINS, JOB_STATUSES, SOURCES } from '../lib/vocabulary.js';

const JobCountsQuery = graphql(`
  query JobCounts {
    jobCounts {
      pending
      inProgress
      completed
      failed
      cancelled
      total
    }
  }
`);

// Page sizes are literals: the server's cost limit counts a `first` given in a variable as the largest page (100).
const JobsQuery = graphql(`
  query Jobs($filter: JobFilter, $after: String) {
    jobs(filter: $filter, first: 20, after: $after) {
      edges {
        cursor
        node {
          id
          status
          origin
          sources
          createdAt
          completedAt
          ...JobCounterFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const COUNTS_REFRESH_MS = 5_000;

/**
 * The jobs page: counts per status (refreshed every 5 s), the filterable list newest first with cursor pages, and a
 * live progress bar per unfinished job. The filter lives in the URL (?status=&source=&origin=&from=&to=).
 *
 * @returns the page
 */
export function JobsPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const filterParams = readJobFilterParams(params);
  const [pages, setPages] = useState<CursorPages>(FIRST_PAGE);
  // urql keys a request by its variables' content, so a new object each render starts nothing new.
  const filter = toJobFilter(filterParams) as JobFilter | null;
  const ignored = ignoredJobFilterParams(filterParams);
  const [counts, refreshCounts] = useQuery({ query: JobCountsQuery, requestPolicy: 'cache-and-network' });
  const [jobs] = useQuery({ query: JobsQuery, variables: { filter, after: pages.after }, requestPolicy: 'cache-and-network' });

  useEffect(() => {
    const timer = window.setInterval(() => refreshCounts({ requestPolicy: 'network-only' }), COUNTS_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refreshCounts]);

  // A row keeps its live bar to the end; its status cell follows the bar, and the counts are read again when a job ends.
  const [liveStatus, setLiveStatus] = useState<ReadonlyMap<string, string>>(new Map());
  const onLive = useCallback(
    (job: LiveJob) => {
      setLiveStatus((previous) => (previous.get(job.id) === job.status ? previous : new Map(previous).set(job.id, job.status)));
      if (isFinalJobStatus(job.status)) refreshCounts({ requestPolicy: 'network-only' });
    },
    [refreshCounts],
  );

  const applyFilter = (form: HTMLFormElement): void => {
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const key of ['status', 'source', 'origin', 'from', 'to'] as const) {
      const value = data.get(key);
      if (typeof value === 'string' && value !== '') next.set(key, value);
    }
    setPages(FIRST_PAGE);
    setParams(next);
  };

  const c = counts.data?.jobCounts;
  return (
    <>
      <h1>Jobs</h1>
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">Jobs per status</h2>
        <ErrorNote error={counts.error} />
        <dl className="counts">
          <Count label="Pending" value={c?.pending} />
          <Count label="In progress" value={c?.inProgress} />
          <Count label="Completed" value={c?.completed} />
          <Count label="Failed" value={c?.failed} />
          <Count label="Cancelled" value={c?.cancelled} />
          <Count label="Total" value={c?.total} />
        </dl>
      </section>
      <section aria-labelledby="list-heading">
        <h2 id="list-heading">Job list</h2>
        <JobFilterForm key={params.toString()} values={filterParams} onSubmit={applyFilter} />
        {ignored.length > 0 && (
          <p role="status" className="note">
            Ignored {ignored.map((name) => `${name}=${params.get(name) ?? ''}`).join(', ')}: not a known value or not a calendar day
            (YYYY-MM-DD).
          </p>
        )}
        <ErrorNote error={jobs.error} />
        <table className="data">
          <caption className="visually-hidden">Jobs, newest first</caption>
          <ColumnHeads names={['Job', 'Status', 'Origin', 'Sources', 'Created', 'Progress']} />
          <tbody>
            {jobs.data?.jobs.edges.map(({ node: job }) => (
              <tr key={job.id} data-testid="job-row" data-job-id={job.id} data-status={liveStatus.get(job.id) ?? job.status}>
                <td>
                  <Link to={`/jobs/${job.id}`}>{job.id.slice(0, 8)}</Link>
                </td>
                <td>{enumWords(liveStatus.get(job.id) ?? job.status)}</td>
                <td>{enumWords(job.origin)}</td>
                <td>{job.sources.join(', ')}</td>
                <td>{formatDateTime(job.createdAt)}</td>
                <td>
                  {isFinalJobStatus(job.status) ? (
                    <span>
                      {job.completedProperties + job.partialProperties} ok · {job.failedProperties} failed / {job.totalProperties}
                    </span>
                  ) : (
                    <JobProgressBar jobId={job.id} initial={job} onChange={onLive} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {jobs.data && jobs.data.jobs.edges.length === 0 && <p>No jobs match.</p>}
        <Pager
          label="Job list"
          pages={pages}
          onChange={setPages}
          hasNextPage={jobs.data?.jobs.pageInfo.hasNextPage ?? false}
          endCursor={jobs.data?.jobs.pageInfo.endCursor}
        />
      </section>
    </>
  );
}

function Count(props: { readonly label: string; readonly value: number | undefined }): ReactNode {
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.value ?? '…'}</dd>
    </div>
  );
}

function JobFilterForm(props: { readonly values: JobFilterParams; readonly onSubmit: (form: HTMLFormElement) => void }): ReactNode {
  const v = props.values;
  return (
    <form
      className="filters"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(event.currentTarget);
      }}
    >
      <ChoiceSelect label="Status" name="status" values={JOB_STATUSES} text={enumWords} defaultValue={v.status} />
      <ChoiceSelect label="Source" name="source" values={SOURCES} defaultValue={v.source} />
      <ChoiceSelect label="Origin" name="origin" values={JOB_ORIGINS} text={enumWords} defaultValue={v.origin} />
      <label>
        Created from (UTC day)
        <input type="date" name="from" defaultValue={v.from} />
      </label>
      <label>
        Created to (UTC day)
        <input type="date" name="to" defaultValue={v.to} />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}
