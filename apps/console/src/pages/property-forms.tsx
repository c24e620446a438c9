import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { ColumnHeads } from '../components/column-heads.js';
import { ErrorNote } from '../components/error-note.js';
import { graphql } from '../gql/index.js';
import type { ImportPropertiesMutation } from '../gql/graphql.js';
import { CSV_REQUEST_LIMIT_BYTES, readCsvBytes } from '../lib/csv-file.js';
import { splitIds } from '../lib/schedule-form.js';

const AddPropertyMutation = graphql(`
  mutation AddProperty($address: String, $listingUrl: String, $labels: [String!]) {
    addProperty(address: $address, listingUrl: $listingUrl, labels: $labels) {
      id
      address
    }
  }
`);

const ImportPropertiesMutationDoc = graphql(`
  mutation ImportProperties($csv: String!, $label: String) {
    importProperties(csv: $csv, label: $label) {
      added
      updated
      unchanged
      ids
      invalid {
        line
        reason
      }
    }
  }
`);

/**
 * Adds a property by address or by a Zillow/Redfin listing URL (text starting with http), with optional labels.
 *
 * @param props - `onAdded` runs after the catalog changed
 * @returns the form section
 */
export function AddPropertyForm(props: { readonly onAdded: () => void }): ReactNode {
  const [state, add] = useMutation(AddPropertyMutation);
  const [added, setAdded] = useState<{ id: string; address: string } | null>(null);
  return (
    <section aria-labelledby="add-heading" className="panel">
      <h2 id="add-heading">Add a property</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          const what = String(data.get('what') ?? '').trim();
          const labels = splitIds(String(data.get('labels') ?? ''));
          const isUrl = /^https?:\/\//i.test(what);
          void add({ ...(isUrl ? { listingUrl: what } : { address: what }), ...(labels.length > 0 ? { labels } : {}) }).then((r) => {
            if (r.data) {
              setAdded(r.data.addProperty);
              form.reset();
              props.onAdded();
            }
          });
        }}
      >
        <label>
          Address or listing URL
          <input name="what" type="text" required placeholder="4732 W Davis Rd, Glendale, AZ 85306" />
        </label>
        <label>
          Labels (comma-separated, optional)
          <input name="labels" type="text" />
        </label>
        <button type="submit" data-testid="add-property" disabled={state.fetching}>
          Add property
        </button>
      </form>
      <ErrorNote error={state.error} />
      {added && (
        <p role="status">
          Added <Link to={`/properties/${encodeURIComponent(added.id)}`}>{added.address}</Link>.
        </p>
      )}
    </section>
  );
}

/**
 * Imports a properties CSV (header address,zillow_url,redfin_url) from a file and shows the import report. The file is
 * read as bytes: one that is not UTF-8 or too large for the server's request limit is refused before sending.
 *
 * @param props - `onImported` runs after the catalog changed
 * @returns the form section
 */
export function ImportCsvForm(props: { readonly onImported: () => void }): ReactNode {
  const [state, importCsv] = useMutation(ImportPropertiesMutationDoc);
  const [report, setReport] = useState<ImportPropertiesMutation['importProperties'] | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  return (
    <section aria-labelledby="import-heading" className="panel">
      <h2 id="import-heading">Import a CSV</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const file = data.get('file');
          const label = String(data.get('label') ?? '').trim();
          if (!(file instanceof File) || file.size === 0) {
            setFileError('Choose a CSV file.');
            return;
          }
          setFileError(null);
          setReport(null);
          void file
            .arrayBuffer()
            .then(async (buffer) => {
              const read = readCsvBytes(new Uint8Array(buffer));
              if ('problem' in read) {
                setFileError(read.problem);
                return;
              }
              const r = await importCsv({ csv: read.csv, ...(label !== '' ? { label } : {}) });
              if (r.data) {
                setReport(r.data.importProperties);
                props.onImported();
              }
            })
            .catch((error: unknown) =>
              setFileError(`The file could not be read: ${error instanceof Error ? error.message : String(error)}`),
            );
        }}
      >
        <label>
          CSV file (header address,zillow_url,redfin_url)
          <input name="file" type="file" accept=".csv,text/csv" required />
        </label>
        <p className="hint">
          UTF-8, at most {Math.floor(CSV_REQUEST_LIMIT_BYTES / 1024)} KiB (the server&apos;s request limit); import a larger file with the
          CLI: <code>npm run extract -- properties import &lt;file&gt;</code>
        </p>
        <label>
          Label for every row (optional)
          <input name="label" type="text" />
        </label>
        <button type="submit" data-testid="import-csv" disabled={state.fetching}>
          Import CSV
        </button>
      </form>
      <ErrorNote error={fileError ?? state.error} />
      {report && (
        <div role="status" className="import-report" data-testid="import-report">
          <p>
            {report.added} added · {report.updated} updated · {report.unchanged} unchanged · {report.invalid.length} invalid
          </p>
          {report.invalid.length > 0 && (
            <table className="data">
              <caption>Rows not imported</caption>
              <ColumnHeads names={['Line', 'Reason']} />
              <tbody>
                {report.invalid.map((row) => (
                  <tr key={row.line}>
                    <td>{row.line}</td>
                    <td>{row.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
