import { useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useAuth } from '../auth/auth.js';
import { ChoiceSelect } from '../components/choice-select.js';
import { ColumnHeads } from '../components/column-heads.js';
import { ErrorNote } from '../components/error-note.js';
import { FIRST_PAGE, Pager, type CursorPages } from '../components/pager.js';
import { SourceChoice } from '../components/source-choice.js';
import { graphql } from '../gql/index.js';
import type { PropertyFilter } from '../gql/graphql.js';
import { toExtractionInput } from '../lib/extract-selection.js';
import { countWords, enumWords, formatDateTime } from '../lib/format.js';
import { SOURCES } from '../lib/vocabulary.js';
import { AddPropertyForm, ImportCsvForm } from './property-forms.js';

const PropertiesQuery = graphql(`
  query Properties($filter: PropertyFilter, $after: String) {
    properties(filter: $filter, first: 20, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          address
          labels
          listingUrls {
            source
            url
          }
          lastExtractions {
            source
            jobId
            finishedAt
            sourceResult
            status
            photosFound
            newImages
            duplicateImages
            unchangedImages
            failedImages
          }
        }
      }
    }
  }
`);

const EnqueueMutation = graphql(`
  mutation EnqueueSelected($input: EnqueueExtractionInput!) {
    enqueueExtraction(input: $input) {
      id
    }
  }
`);

/**
 * The catalog: search, label and source filters, pages with the total; per property its listings, last extraction per
 * source and photo counts. Admin keys add properties, import a CSV and extract the selected rows (then see the new job).
 *
 * @returns the page
 */
export function PropertiesPage(): ReactNode {
  const auth = useAuth();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<PropertyFilter>({});
  const [pages, setPages] = useState<CursorPages>(FIRST_PAGE);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [sources, setSources] = useState<readonly string[]>(SOURCES);
  const [result, reexecute] = useQuery({ query: PropertiesQuery, variables: { filter, after: pages.after } });
  const [enqueueState, enqueue] = useMutation(EnqueueMutation);
  const [extractProblem, setExtractProblem] = useState<string | null>(null);
  const refresh = (): void => reexecute({ requestPolicy: 'network-only' });

  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const connection = result.data?.properties;

  return (
    <>
      <h1>Properties</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const next: PropertyFilter = {};
          for (const key of ['search', 'label', 'source'] as const) {
            const value = String(data.get(key) ?? '').trim();
            if (value !== '') next[key] = value;
          }
          setFilter(next);
          setPages(FIRST_PAGE);
        }}
      >
        <label>
          Address contains
          <input name="search" type="search" />
        </label>
        <label>
          Label
          <input name="label" type="text" />
        </label>
        <ChoiceSelect label="Source" name="source" values={SOURCES} defaultValue="" />
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={result.error} />
      <p>
        {connection
          ? `${countWords(connection.totalCount, 'property', 'properties')} ${connection.totalCount === 1 ? 'matches' : 'match'}.`
          : 'Loading…'}
      </p>

      {auth.canAct && (
        <section aria-labelledby="extract-heading" className="panel">
          <h2 id="extract-heading">Extract selected</h2>
          <SourceChoice legend="Sources to read" value={sources} onChange={setSources} />
          <button
            type="button"
            data-testid="extract-selected"
            disabled={selected.size === 0 || enqueueState.fetching}
            onClick={() => {
              const built = toExtractionInput([...selected], sources);
              if ('problem' in built) {
                setExtractProblem(built.problem);
                return;
              }
              setExtractProblem(null);
              void enqueue({ input: built.input }).then((r) => {
                if (r.data) void navigate(`/jobs/${r.data.enqueueExtraction.id}`);
              });
            }}
          >
            Extract {selected.size} selected
          </button>
          <ErrorNote error={extractProblem ?? enqueueState.error} />
        </section>
      )}

      <table className="data">
        <caption className="visually-hidden">Catalog properties</caption>
        <ColumnHeads names={[...(auth.canAct ? ['Select'] : []), 'Address', 'Labels', 'Listings', 'Last extraction per source']} />
        <tbody>
          {connection?.edges.map(({ node: p }) => (
            <tr key={p.id} data-testid="property-row" data-property-id={p.id}>
              {auth.canAct && (
                <td>
                  <input type="checkbox" aria-label={`Select ${p.address}`} checked={selected.has(p.id)} onChange={() => toggle(p.id)} />
                </td>
              )}
              <td>
                <Link to={`/properties/${encodeURIComponent(p.id)}`}>{p.address}</Link>
              </td>
              <td>{p.labels.join(', ') || '—'}</td>
              <td>
                {p.listingUrls.length === 0
                  ? '—'
                  : p.listingUrls.map((l) => (
                      <a key={l.source} className="chip" href={l.url}>
                        {l.source}
                      </a>
                    ))}
              </td>
              <td>
                {p.lastExtractions.length === 0 ? (
                  'never'
                ) : (
                  <ul className="plain">
                    {p.lastExtractions.map((x) => (
                      <li key={x.source}>
                        {x.source}: {enumWords(x.sourceResult)}, property {enumWords(x.status)} ·{' '}
                        <Link to={`/jobs/${x.jobId}`}>{formatDateTime(x.finishedAt)}</Link> · {x.photosFound} photos ({x.newImages} new,{' '}
                        {x.duplicateImages + x.unchangedImages} known, {x.failedImages} failed)
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        label="Properties"
        pages={pages}
        onChange={setPages}
        hasNextPage={connection?.pageInfo.hasNextPage ?? false}
        endCursor={connection?.pageInfo.endCursor}
      />

      {auth.canAct && (
        <>
          <AddPropertyForm onAdded={refresh} />
          <ImportCsvForm onImported={refresh} />
        </>
      )}
    </>
  );
}
