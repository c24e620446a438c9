import { useCallback, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ColumnHeads } from '../components/column-heads.js';
import { ErrorNote } from '../components/error-note.js';
import { FIRST_PAGE, Pager, type CursorPages } from '../components/pager.js';
import { graphql } from '../gql/index.js';
import type { JobPropertyStatus } from '../gql/graphql.js';
import { servedByWords } from '../lib/fetch-modes.js';
import { enumWords, formatDateTime } from '../lib/format.js';
import { useRefreshOnChange } from '../lib/use-refresh-on-change.js';
import { OUTCOME_TABS } from '../lib/vocabulary.js';

// Its own operation: with the job page's failure groups in one query it would pass the server's cost limit.
const JobOutcomesQuery = graphql(`
  query JobOutcomes($id: ID!, $status: JobPropertyStatus, $after: String) {
    job(id: $id) {
      id
      properties(status: $status, first: 20, after: $after) {
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

// What served each page, in an operation of its own: within JobOutcomes it would pass the server's cost limit.
const JobFetchModesQuery = graphql(`
  query JobFetchModes($id: ID!, $status: JobPropertyStatus, $after: String) {
    job(id: $id) {
      id
      properties(status: $status, first: 20, after: $after) {
        edges {
          node {
            index
            outcome {
              fetchModes {
                source
                mode
              }
            }
          }
        }
      }
    }
  }
`);

/**
 * A job's properties by outcome (COMPLETED, PARTIAL, FAILED, DEFERRED tabs; 20 a page), each with its photo counts, what
 * served each source's page (http or browser), and every failure (source, code, reason, URL). Read again (at most every
 * 1.5 s) when the job's data version changes.
 *
 * @param props - `jobId`, the job's data `version` (jobDataVersion: status and finished properties), and the tab shown first
 * @returns the section
 */
export function JobOutcomes(props: {
  readonly jobId: string;
  readonly version: string;
  readonly initialTab: JobPropertyStatus;
}): ReactNode {
  const [tab, setTab] = useState<JobPropertyStatus>(props.initialTab);
  const [pages, setPages] = useState<CursorPages>(FIRST_PAGE);
  const [result, reexecute] = useQuery({
    query: JobOutcomesQuery,
    variables: { id: props.jobId, status: tab, after: pages.after },
    requestPolicy: 'cache-and-network',
  });
  const [served, reexecuteServed] = useQuery({
    query: JobFetchModesQuery,
    variables: { id: props.jobId, status: tab, after: pages.after },
    requestPolicy: 'cache-and-network',
  });
  useRefreshOnChange(
    props.version,
    useCallback(() => {
      reexecute({ requestPolicy: 'network-only' });
      reexecuteServed({ requestPolicy: 'network-only' });
    }, [reexecute, reexecuteServed]),
  );
  const connection = result.data?.job.properties;
  const servedBy = new Map((served.data?.job.properties.edges ?? []).map(({ node }) => [node.index, node.outcome?.fetchModes ?? []]));
  return (
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
      <ErrorNote error={result.error} />
      {connection && (
        <p>
          {connection.totalCount} {enumWords(tab)}
        </p>
      )}
      <ul className="outcomes">
        {connection?.edges.map(({ node }) => (
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
            {node.outcome && servedByWords(servedBy.get(node.index) ?? []) !== null && (
              <p data-testid="fetch-modes">{servedByWords(servedBy.get(node.index) ?? [])}</p>
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
        hasNextPage={connection?.pageInfo.hasNextPage ?? false}
        endCursor={connection?.pageInfo.endCursor}
      />
    </section>
  );
}
