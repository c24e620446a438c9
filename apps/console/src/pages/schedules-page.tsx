import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useAuth } from '../auth/auth.js';
import { ErrorNote } from '../components/error-note.js';
import { graphql } from '../gql/index.js';
import { describeCron } from '../lib/cron-words.js';
import { enumWords, formatDateTime, timeLimitWords } from '../lib/format.js';
import { CreateScheduleForm } from './schedule-form.js';

const SchedulesQuery = graphql(`
  query Schedules {
    schedules {
      id
      name
      cron
      timeZone
      paused
      nextRunAt
      nextRuns(count: 5)
      sources
      dryRun
      timeoutSeconds
      createdAt
      properties {
        id
      }
      recentJobs(first: 5) {
        id
        status
        createdAt
        totalProperties
        completedProperties
        partialProperties
        failedProperties
        deferredProperties
      }
    }
  }
`);

const PauseMutation = graphql(`
  mutation PauseSchedule($id: ID!) {
    pauseSchedule(id: $id) {
      id
      paused
      nextRunAt
    }
  }
`);

const ResumeMutation = graphql(`
  mutation ResumeSchedule($id: ID!) {
    resumeSchedule(id: $id) {
      id
      paused
      nextRunAt
    }
  }
`);

const RemoveMutation = graphql(`
  mutation RemoveSchedule($id: ID!) {
    removeSchedule(id: $id) {
      id
    }
  }
`);

/**
 * Schedules: each with its cron in words, zone, next runs shown in that zone, paused state and its last runs' outcomes;
 * admin keys create, pause, resume and remove.
 *
 * @returns the page
 */
export function SchedulesPage(): ReactNode {
  const auth = useAuth();
  const [result, reexecute] = useQuery({ query: SchedulesQuery, requestPolicy: 'cache-and-network' });
  const [pauseState, pause] = useMutation(PauseMutation);
  const [resumeState, resume] = useMutation(ResumeMutation);
  const [removeState, remove] = useMutation(RemoveMutation);
  const refresh = (): void => reexecute({ requestPolicy: 'network-only' });
  const busy = pauseState.fetching || resumeState.fetching || removeState.fetching;
  const schedules = result.data?.schedules;

  return (
    <>
      <h1>Schedules</h1>
      <ErrorNote error={result.error ?? pauseState.error ?? resumeState.error ?? removeState.error} />
      {schedules && schedules.length === 0 && <p>No schedules.</p>}
      <ul className="cards">
        {schedules?.map((s) => {
          const words = describeCron(s.cron);
          return (
            <li key={s.id} data-testid="schedule" data-schedule-name={s.name} data-paused={s.paused}>
              <h2>{s.name}</h2>
              <p>
                <code>{s.cron}</code> — {words.ok ? words.text : words.error} ({s.timeZone}) ·{' '}
                <strong>{s.paused ? 'paused' : 'active'}</strong>
              </p>
              <p>
                {s.properties.length} properties · sources {s.sources.join(', ')}
                {s.dryRun && ' · dry run'}
                {s.timeoutSeconds !== null && ` · each run: ${timeLimitWords(s.timeoutSeconds)}`} · created {formatDateTime(s.createdAt)}
              </p>
              <h3>Next runs ({s.timeZone})</h3>
              {s.nextRuns.length === 0 ? (
                <p>None while paused.</p>
              ) : (
                <ol className="plain">
                  {s.nextRuns.map((run) => (
                    <li key={run}>
                      <time dateTime={run}>{formatDateTime(run, s.timeZone)}</time>
                    </li>
                  ))}
                </ol>
              )}
              <h3>Last runs</h3>
              {s.recentJobs.length === 0 ? (
                <p>No runs yet.</p>
              ) : (
                <ul className="plain">
                  {s.recentJobs.map((j) => (
                    <li key={j.id}>
                      <Link to={`/jobs/${j.id}`}>{formatDateTime(j.createdAt, s.timeZone)}</Link>: {enumWords(j.status)} —{' '}
                      {j.completedProperties + j.partialProperties} ok, {j.failedProperties} failed, {j.deferredProperties} deferred of{' '}
                      {j.totalProperties}
                    </li>
                  ))}
                </ul>
              )}
              {auth.canAct && (
                <div className="actions">
                  {s.paused ? (
                    <button
                      type="button"
                      data-testid="resume-schedule"
                      disabled={busy}
                      onClick={() => void resume({ id: s.id }).then(refresh)}
                    >
                      Resume {s.name}
                    </button>
                  ) : (
                    <button
                      type="button"
                      data-testid="pause-schedule"
                      disabled={busy}
                      onClick={() => void pause({ id: s.id }).then(refresh)}
                    >
                      Pause {s.name}
                    </button>
                  )}
                  <button
                    type="button"
                    className="danger"
                    data-testid="remove-schedule"
                    disabled={busy}
                    onClick={() => {
                      if (window.confirm(`Remove the schedule ${s.name}? Its future runs will not happen.`))
                        void remove({ id: s.id }).then(refresh);
                    }}
                  >
                    Remove {s.name}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {auth.canAct && <CreateScheduleForm onCreated={refresh} />}
    </>
  );
}
