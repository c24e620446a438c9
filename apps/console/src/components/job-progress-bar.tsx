import { useEffect, type ReactNode } from 'react';
import { useSubscription } from 'urql';
import { graphql } from '../gql/index.js';
import type { JobProgressSubscription } from '../gql/graphql.js';
import { enumWords } from '../lib/format.js';
import { isFinalJobStatus, jobProgress, newerJobState, type PropertyCounters } from '../lib/job-progress.js';

const JobProgressSubscriptionDoc = graphql(`
  subscription JobProgress($jobId: ID!) {
    jobProgress(jobId: $jobId) {
      id
      status
      ...JobCounterFields
      progressUpdatedAt
      errorMessage
    }
  }
`);

/** The live state of a job (Subscription.jobProgress). */
export type LiveJob = JobProgressSubscription['jobProgress'];

/**
 * A job's live progress as a native <progress> labelled with the job, fed by the jobProgress subscription
 * (which completes at the job's final status). Until the first event it shows the counters it was given.
 *
 * @param props - `jobId`; `initial` counters and status from the query; `label` (default "Progress of job <id>");
 *   `onChange` receives each live state (e.g. to refresh a page when the job ends)
 * @returns the bar with "finished / total (percent)" beside it
 */
export function JobProgressBar(props: {
  readonly jobId: string;
  readonly initial: PropertyCounters & { readonly status: string };
  readonly label?: string;
  readonly onChange?: (job: LiveJob) => void;
}): ReactNode {
  const { jobId, onChange } = props;
  const [result] = useSubscription({
    query: JobProgressSubscriptionDoc,
    variables: { jobId },
    pause: isFinalJobStatus(props.initial.status),
  });
  const live = result.data?.jobProgress;
  useEffect(() => {
    if (live && onChange) onChange(live);
  }, [live, onChange]);
  const counters = newerJobState(props.initial, live);
  const status = counters.status;
  const { finished, total, percent } = jobProgress(counters);
  const label = props.label ?? `Progress of job ${jobId}`;
  return (
    <span className="job-progress">
      <progress data-testid="job-progress" aria-label={label} max={Math.max(total, 1)} value={total === 0 ? 0 : finished}>
        {percent}%
      </progress>
      <span className="job-progress-text">
        {finished} / {total} ({percent}%) · {enumWords(status)}
      </span>
    </span>
  );
}
