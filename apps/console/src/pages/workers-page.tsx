import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ColumnHeads } from '../components/column-heads.js';
import { ErrorNote } from '../components/error-note.js';
import { graphql } from '../gql/index.js';
import { formatAgo, formatDateTime } from '../lib/format.js';

const WorkersQuery = graphql(`
  query Workers {
    workers {
      id
      hostname
      pid
      startedAt
      lastHeartbeatAt
      alive
      concurrency
      runningJobs {
        jobId
        since
      }
    }
  }
`);

const REFRESH_MS = 5_000;

/**
 * The workers: alive or not (heartbeats), host and pid, concurrency, and the jobs each runs with since when; refreshed every 5 s.
 *
 * @returns the page
 */
export function WorkersPage(): ReactNode {
  const [result, reexecute] = useQuery({ query: WorkersQuery, requestPolicy: 'cache-and-network' });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => {
      setNow(Date.now());
      reexecute({ requestPolicy: 'network-only' });
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reexecute]);
  const workers = result.data?.workers;
  return (
    <>
      <h1>Workers</h1>
      <ErrorNote error={result.error} />
      {workers && workers.length === 0 && <p>No worker has registered.</p>}
      <table className="data">
        <caption className="visually-hidden">Workers</caption>
        <ColumnHeads names={['State', 'Host and pid', 'Started', 'Last heartbeat', 'Concurrency', 'Running jobs']} />
        <tbody>
          {workers?.map((w) => (
            <tr key={w.id} data-testid="worker-row" data-alive={w.alive}>
              <td>
                <span className={w.alive ? 'chip ok' : 'chip bad'}>{w.alive ? 'alive' : 'silent'}</span>
              </td>
              <td>
                {w.hostname} · pid {w.pid}
              </td>
              <td>{formatDateTime(w.startedAt)}</td>
              <td>{formatAgo(w.lastHeartbeatAt, now)}</td>
              <td>{w.concurrency}</td>
              <td>
                {w.runningJobs.length === 0 ? (
                  'idle'
                ) : (
                  <ul className="plain">
                    {w.runningJobs.map((j) => (
                      <li key={j.jobId}>
                        <Link to={`/jobs/${j.jobId}`}>{j.jobId.slice(0, 8)}</Link> since {formatDateTime(j.since)} (
                        {formatAgo(j.since, now)})
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
