import type { Property } from '@phx/core';
import { PropertyCatalog } from '@phx/jobs';
import type { CatalogSelection, PropertyImportReport } from '@phx/jobs';
import type { Db } from 'mongodb';
import type { SelectionFlags } from './extraction-flags.js';

/**
 * Opens the catalog of the CLI's database, seeding it from the sample CSV when it is empty.
 *
 * @param db - the database
 * @param seedCsv - CSV that seeds an empty catalog (label `sample`), e.g. the configured `PROPERTIES_CSV`
 * @returns the catalog
 */
export async function openCatalog(db: Db, seedCsv: string): Promise<PropertyCatalog> {
  const catalog = new PropertyCatalog({ db });
  await catalog.ensureIndexes();
  await catalog.seedIfEmpty(seedCsv);
  return catalog;
}

/**
 * Formats an import report: counts, then each invalid row with its line number.
 *
 * @param report - the report
 * @param what - the file, e.g. its path
 * @returns the lines
 */
export function formatImportReport(report: PropertyImportReport, what: string): string[] {
  return [
    `Imported ${what}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.invalid.length} invalid`,
    ...report.invalid.map((row) => `  line ${row.line}: ${row.reason}`),
  ];
}

/**
 * Turns the CLI's selection flags into the job's properties: imports `--csv`
 * first (printing its report; with `--all` or nothing else its rows are the
 * selection), then selects from the catalog, adding new addresses and URLs.
 *
 * @param catalog - the catalog
 * @param selection - the flags
 * @param write - output lines
 * @returns the properties, each once
 * @throws core's InvalidInputError (bad CSV, unsupported listing URL) and NotFoundError (unknown `--id`)
 */
export async function selectFromCatalog(
  catalog: PropertyCatalog,
  selection: SelectionFlags,
  write: (line: string) => void,
): Promise<Property[]> {
  if (selection.importCsv !== null) {
    const report = await catalog.importCsvFile(selection.importCsv);
    for (const line of formatImportReport(report, selection.importCsv)) write(line);
    if (selection.all) return catalog.select({ ids: report.ids });
  }
  return catalog.select({
    ids: selection.ids,
    addresses: selection.addresses,
    listingUrls: selection.urls,
    ...(selection.label === null ? {} : { label: selection.label }),
    ...(selection.all ? { all: true } : {}),
  });
}

/**
 * The catalog selection a worker lists for the CLI's flags, when they select
 * a whole catalog or label and nothing else (`--all` or `--label` alone, no
 * `--csv`, ids, addresses or URLs): the job is then enqueued without reading
 * the catalog, which can hold a city. `null` for any other selection (the CLI
 * lists its properties: {@link selectFromCatalog}).
 *
 * @param catalog - the catalog
 * @param selection - the flags
 * @returns `{ all: true }`, `{ label }` (as stored), or `null`
 * @throws core's InvalidInputError for `--all` over an empty catalog; NotFoundError for a label no property has
 */
export async function catalogSelectionOf(catalog: PropertyCatalog, selection: SelectionFlags): Promise<CatalogSelection | null> {
  const explicit = selection.importCsv !== null || selection.ids.length + selection.addresses.length + selection.urls.length > 0;
  if (explicit || (selection.all && selection.label !== null)) return null;
  if (selection.all) return catalog.catalogSelectionOf({ all: true });
  return selection.label === null ? null : catalog.catalogSelectionOf({ label: selection.label });
}
