import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import type { Collection, Filter } from 'mongodb';
import {
  InvalidInputError,
  NotFoundError,
  readPropertiesCsvFile,
  readPropertiesCsvRows,
  SOURCES,
  systemClock,
  toPropertyId,
} from '@phx/core';
import type { Clock, Property, PropertiesCsvRow, Source } from '@phx/core';
import { addressFromListingUrl, listingIdOf, readListingUrl, storableListingUrl } from './listing-url.js';
import { toPropertyLabel, toPropertyLabels } from './property-label.js';
import { propertyIdIssue, selectionMixIssue } from './selection-issues.js';
import { listingKey, listingsOf, refuseTakenListings } from './listing-id-owners.js';
import {
  fromDocument,
  mergeRecord,
  newRecord,
  storableListingUrls,
  toJobProperty,
  decodePropertyCursor,
  encodePropertyCursor,
  MAX_PROPERTY_PAGE,
} from './catalog-property.js';
import type {
  CatalogProperty,
  CatalogPropertyDocument,
  PropertyCatalogOptions,
  PropertyFilter,
  PropertyImportReport,
  PropertyPage,
  PropertySelection,
} from './catalog-property.js';
import type { ListingOwners } from './listing-id-owners.js';
import type { CatalogSelection } from '../repository/job-document.js';

/** Name of the catalog's collection. */
export const PROPERTIES_COLLECTION = 'properties';

/** Collection of the catalog's own state: the marker that the sample CSV seeded it once. */
export const CATALOG_STATE_COLLECTION = 'properties_state';

const SEED_MARKER = 'sample-seed';

/** Label of the properties the sample CSV seeds an empty catalog with. */
export const SAMPLE_LABEL = 'sample';

/** Most rows an import reads one `findOne` each; more read the whole collection once. */
const FIND_ONE_LIMIT = 200;
/** Rows inserted at a time when importing. */
const IMPORT_BATCH = 1000;

/**
 * Refuses an empty or mixed selection and ids that are no property ids.
 *
 * @throws InvalidInputError naming each problem
 */
function checkSelection(selection: PropertySelection): void {
  const lists = { ids: selection.ids ?? [], addresses: selection.addresses ?? [], listingUrls: selection.listingUrls ?? [] };
  const given = [
    ...Object.entries(lists)
      .filter(([, list]) => list.length > 0)
      .map(([name]) => name),
    ...(selection.label === undefined ? [] : ['label']),
    ...(selection.all === true ? ['all'] : []),
  ];
  const issues = [
    given.length === 0 ? { path: 'selection', message: 'nothing selected; give ids, addresses or listing URLs, a label, or all' } : null,
    selectionMixIssue(given, Object.keys(lists)),
    ...lists.ids.map((id, i) => propertyIdIssue(id, `ids.${i}`)),
  ].filter((issue) => issue !== null);
  if (issues.length > 0) throw new InvalidInputError('property selection', issues);
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The property catalog in MongoDB (collection `properties`, `_id` the
 * property id). Written with FerretDB 1.x's costs in mind: reads by `_id`
 * and `insertMany` are cheap, every update scans the collection, so an
 * import reads the existing records by `_id` in batches, inserts the new
 * ones at once and updates only the ones that really change.
 */
export class PropertyCatalog {
  private readonly properties: Collection<CatalogPropertyDocument>;
  private readonly clock: Clock;

  /** @param options - the database and clock */
  constructor(options: PropertyCatalogOptions) {
    this.properties = options.db.collection<CatalogPropertyDocument>(PROPERTIES_COLLECTION);
    this.clock = options.clock ?? systemClock;
  }

  /** Creates the label index. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.properties.createIndex({ labels: 1 }, { name: 'labels' });
  }

  /**
   * Imports a properties CSV (core's shape: `address`, `zillow_url`,
   * `redfin_url`) as an upsert by property id. A row's listing URLs replace the
   * record's for those sources; `label` is added to every imported row's
   * labels. Rows with no address, a value past the header's columns, a URL that is not a listing of its column's
   * site, the same address as an earlier row, or a listing (zpid, Redfin id)
   * that another property holds or an earlier row names are reported invalid
   * (naming that property and the listing id); the rest import.
   *
   * @param text - the CSV text
   * @param options - `label` to add, `name` of the CSV in errors
   * @returns the report; importing the same CSV again reports every row unchanged and writes nothing
   * @throws InvalidInputError for a CSV with no `address` header or malformed quoting, or a `label` the label rule refuses
   */
  async importCsv(text: string, options: { readonly label?: string; readonly name?: string } = {}): Promise<PropertyImportReport> {
    const read = readPropertiesCsvRows(text, { name: options.name ?? 'properties CSV' });
    const invalid = [...read.invalid];
    const listed: PropertiesCsvRow[] = [];
    for (const row of read.rows) {
      const bad = SOURCES.filter(
        (s) => row.property.listingUrls[s] !== undefined && listingIdOf(s, row.property.listingUrls[s] ?? '') === null,
      );
      if (bad.length === 0) listed.push(row);
      else
        invalid.push({
          line: row.line,
          reason: bad.map((s) => `${s}_url "${row.property.listingUrls[s]}" is not a ${s} listing URL`).join('; '),
        });
    }
    // FerretDB 1.x tests a long `$in` list against every document: a big import reads the collection once, for both steps.
    const wholeCollection = listed.length > FIND_ONE_LIMIT ? await this.allRecords() : null;
    const owned = refuseTakenListings(
      listed,
      await this.listingOwners(
        listed.map((r) => r.property),
        wholeCollection,
      ),
    );
    const rows = owned.rows;
    invalid.push(...owned.invalid);
    invalid.sort((a, b) => a.line - b.line);
    const labels = options.label === undefined ? [] : [toPropertyLabel(options.label)];
    const counts = await this.upsertWith(
      rows.map((r) => r.property),
      labels,
      wholeCollection,
    );
    return { ...counts, invalid, ids: rows.map((r) => r.property.id) };
  }

  /**
   * Imports a properties CSV file (UTF-8); see {@link importCsv}.
   *
   * @param path - the file
   * @param options - `label` to add
   * @returns the report
   * @throws core's NotFoundError for a missing file, InvalidInputError for a bad `label` (checked first) or a file that is not UTF-8 or has no `address` header
   */
  async importCsvFile(path: string, options: { readonly label?: string } = {}): Promise<PropertyImportReport> {
    if (options.label !== undefined) toPropertyLabel(options.label);
    return this.importCsv(await readPropertiesCsvFile(path), { ...options, name: `properties CSV ${path}` });
  }

  /**
   * Adds properties or merges them into their records (see {@link importCsv}); listing URLs are stored without user info or fragment.
   *
   * @param properties - the properties, each id once
   * @param givenLabels - labels to add to each, as given (stored trimmed and lower-case)
   * @returns how many were added, updated, unchanged
   * @throws InvalidInputError (`BAD_USER_INPUT`) naming each label the label rule refuses (see `toPropertyLabels`); nothing is written then
   */
  async upsert(properties: readonly Property[], givenLabels: readonly string[]): Promise<Omit<PropertyImportReport, 'invalid' | 'ids'>> {
    // FerretDB 1.x reads one `_id` from its index but scans the collection for `$in`: a big import reads the
    // collection once, a small one reads each id.
    return this.upsertWith(properties, givenLabels, properties.length > FIND_ONE_LIMIT ? await this.allRecords() : null);
  }

  /** {@link upsert} with the collection read before (a big import), or `null` to read each record by id. */
  private async upsertWith(
    properties: readonly Property[],
    givenLabels: readonly string[],
    wholeCollection: ReadonlyMap<string, CatalogPropertyDocument> | null,
  ): Promise<Omit<PropertyImportReport, 'invalid' | 'ids'>> {
    const labels = toPropertyLabels(givenLabels);
    const now = this.clock.now();
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (let start = 0; start < properties.length; start += IMPORT_BATCH) {
      const batch = properties.slice(start, start + IMPORT_BATCH).map((p) => ({ ...p, listingUrls: storableListingUrls(p.listingUrls) }));
      const existing = await this.existingRecords(batch, wholeCollection);
      const fresh: CatalogPropertyDocument[] = [];
      for (const property of batch) {
        const doc = existing.get(property.id);
        if (doc === undefined) {
          fresh.push({ _id: property.id, ...newRecord(property, labels, now) });
          continue;
        }
        const merged = mergeRecord(doc, property, labels);
        if (merged === null) {
          unchanged += 1;
          continue;
        }
        await this.properties.updateOne({ _id: doc._id }, { $set: { ...merged, updatedAt: now } });
        updated += 1;
      }
      const inserted = await this.insertNew(fresh);
      added += inserted;
      unchanged += fresh.length - inserted;
    }
    return { added, updated, unchanged };
  }

  /** The property holding each listing the given properties' URLs name: from the collection read before, or one query. */
  private async listingOwners(
    properties: readonly Property[],
    wholeCollection: ReadonlyMap<string, CatalogPropertyDocument> | null,
  ): Promise<ListingOwners> {
    const listings = properties.flatMap((p) => listingsOf(p.listingUrls));
    const wanted = new Set(listings.map(({ source, listingId }) => listingKey(source, listingId)));
    const owners = new Map<string, string>();
    if (wanted.size === 0) return owners;
    const query = {
      $or: SOURCES.map((s) => ({ [`listingIds.${s}`]: { $in: listings.filter((l) => l.source === s).map((l) => l.listingId) } })),
    };
    const docs = wholeCollection?.values() ?? this.properties.find(query, { projection: { listingIds: 1 } });
    for await (const doc of docs) {
      for (const [source, listingId] of Object.entries(doc.listingIds)) {
        const key = listingKey(source as Source, listingId);
        if (wanted.has(key)) owners.set(key, doc._id);
      }
    }
    return owners;
  }

  /** Every record by id: one scan of the collection. */
  private async allRecords(): Promise<Map<string, CatalogPropertyDocument>> {
    const all = new Map<string, CatalogPropertyDocument>();
    for await (const doc of this.properties.find({})) all.set(doc._id, doc);
    return all;
  }

  /** The records of some properties that exist, from a scan read before or one `findOne` per id. */
  private async existingRecords(
    batch: readonly Property[],
    wholeCollection: ReadonlyMap<string, CatalogPropertyDocument> | null,
  ): Promise<Map<string, CatalogPropertyDocument>> {
    const found =
      wholeCollection === null
        ? await Promise.all(batch.map((p) => this.properties.findOne({ _id: p.id as string })))
        : batch.map((p) => wholeCollection.get(p.id) ?? null);
    return new Map(found.filter((d) => d !== null).map((d) => [d._id, d]));
  }

  /** Inserts records; one another process inserted meanwhile counts as not inserted. */
  private async insertNew(docs: CatalogPropertyDocument[]): Promise<number> {
    if (docs.length === 0) return 0;
    try {
      return (await this.properties.insertMany(docs, { ordered: false })).insertedCount;
    } catch (error) {
      const duplicatesOnly =
        (error instanceof MongoBulkWriteError &&
          (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).every((e) => e.code === 11000)) ||
        (error instanceof MongoServerError && error.code === 11000);
      if (!duplicatesOnly) throw error;
      return error instanceof MongoBulkWriteError ? error.result.insertedCount : docs.length - 1;
    }
  }

  /**
   * Reads a property.
   *
   * @param idOrAddress - its id or address
   * @returns the property, or `null` when the catalog has none with that id
   */
  async get(idOrAddress: string): Promise<CatalogProperty | null> {
    const doc = await this.properties.findOne({ _id: toPropertyId(idOrAddress) });
    return doc === null ? null : fromDocument(doc);
  }

  /**
   * Finds the property with a listing id of a source.
   *
   * @returns the property, or `null`
   */
  async findByListingId(source: Source, listingId: string): Promise<CatalogProperty | null> {
    const doc = await this.properties.findOne({ [`listingIds.${source}`]: listingId });
    return doc === null ? null : fromDocument(doc);
  }

  /**
   * Lists the properties matching a filter by id, a page at a time. A filter
   * matching nothing gives an empty page.
   *
   * @param filter - search, label, source
   * @param page - `first` 1..100 (default 20), `after` a cursor of an earlier page
   * @throws InvalidInputError for `first` out of range, a bad cursor or a label the label rule refuses
   */
  async list(filter: PropertyFilter, page: { readonly first?: number; readonly after?: string | null } = {}): Promise<PropertyPage> {
    const first = page.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PROPERTY_PAGE) {
      throw new InvalidInputError('page', [{ path: 'first', message: `${first} is not a whole number from 1 to ${MAX_PROPERTY_PAGE}` }]);
    }
    const query: Record<string, unknown> = {};
    if (filter.search !== undefined && filter.search !== '') query.address = { $regex: escapeRegex(filter.search), $options: 'i' };
    if (filter.label !== undefined) query.labels = toPropertyLabel(filter.label);
    if (filter.source !== undefined) query[`listingUrls.${filter.source}`] = { $exists: true };
    const totalCount = await this.properties.countDocuments(query);
    const after = page.after === undefined || page.after === null ? null : decodePropertyCursor(page.after);
    const pageQuery: Filter<CatalogPropertyDocument> = after === null ? query : { ...query, _id: { $gt: after } };
    const docs = await this.properties
      .find(pageQuery)
      .sort({ _id: 1 })
      .limit(first + 1)
      .toArray();
    const nodes = docs.slice(0, first).map(fromDocument);
    const last = nodes.at(-1);
    return { nodes, totalCount, hasNextPage: docs.length > first, endCursor: last === undefined ? null : encodePropertyCursor(last.id) };
  }

  /**
   * Turns a selection into the job's properties (core's `Property`), adding
   * new addresses and listing URLs to the catalog.
   *
   * @param selection - see {@link PropertySelection}
   * @returns the properties, each once, in request order (by id for `label` and `all`)
   * @throws InvalidInputError (`BAD_USER_INPUT`) for an empty or mixed selection (naming the parts given together), an id
   *   that is not a property id (naming it), a URL of an unsupported site or a label the label rule refuses
   * @throws NotFoundError for an id the catalog does not have, or a label no property has (naming it)
   */
  async select(selection: PropertySelection): Promise<Property[]> {
    checkSelection(selection);
    const ids = selection.ids ?? [];
    const addresses = selection.addresses ?? [];
    const urls = selection.listingUrls ?? [];
    if (selection.all === true)
      return (await this.properties.find({}).sort({ _id: 1 }).toArray()).map((d) => toJobProperty(fromDocument(d)));
    if (selection.label !== undefined) {
      const label = toPropertyLabel(selection.label);
      const docs = await this.properties.find({ labels: label }).sort({ _id: 1 }).toArray();
      if (docs.length === 0) throw new NotFoundError('property', label, { key: 'label', where: 'the catalog' });
      return docs.map((d) => toJobProperty(fromDocument(d)));
    }
    const chosen = new Map<string, Property>();
    for (const id of ids) {
      const found = await this.get(id);
      if (found === null) throw new NotFoundError('property', id, { where: 'the catalog' });
      chosen.set(found.id, toJobProperty(found));
    }
    const fresh: Property[] = [];
    for (const address of addresses) {
      const found = await this.get(address);
      const property = found === null ? { id: toPropertyId(address), address: address.trim(), listingUrls: {} } : toJobProperty(found);
      if (found === null) fresh.push(property);
      chosen.set(property.id, property);
    }
    for (const url of urls.map(storableListingUrl)) {
      const { source, listingId } = readListingUrl(url);
      const found = await this.findByListingId(source, listingId);
      if (found !== null) {
        chosen.set(found.id, toJobProperty(found));
        continue;
      }
      const slugAddress = addressFromListingUrl(url) ?? `${source} ${listingId}`;
      const known = await this.get(slugAddress);
      const property = {
        id: toPropertyId(slugAddress),
        address: known?.address ?? slugAddress,
        listingUrls: { ...known?.listingUrls, [source]: url },
      };
      fresh.push(property);
      chosen.set(property.id, property);
    }
    if (fresh.length > 0) await this.upsert([...new Map(fresh.map((p) => [p.id, p])).values()], []);
    return [...chosen.values()];
  }

  /**
   * The catalog selection of a request that can be as large as the catalog (`all`, or a `label`), for a job whose worker
   * reads its properties ({@link readSelection}); checked as {@link select} checks it, without reading the properties:
   * one document is enough to tell the selection is not empty.
   *
   * @param selection - see {@link PropertySelection}
   * @returns `{ all: true }`, `{ label }` (the label as stored), or `null` for a selection of ids, addresses or listing URLs
   *   (bounded by the request's size: {@link select} them)
   * @throws InvalidInputError (`BAD_USER_INPUT`) as {@link select} does, and for `all` over an empty catalog
   * @throws NotFoundError for a label no property has (naming it)
   */
  async catalogSelectionOf(selection: PropertySelection): Promise<CatalogSelection | null> {
    checkSelection(selection);
    if (selection.all === true) {
      if ((await this.properties.findOne({}, { projection: { _id: 1 } })) === null)
        throw new InvalidInputError('property selection', [
          { path: 'all', message: 'the catalog has no properties; import or add some first' },
        ]);
      return { all: true };
    }
    if (selection.label === undefined) return null;
    const label = toPropertyLabel(selection.label);
    if ((await this.properties.findOne({ labels: label }, { projection: { _id: 1 } })) === null)
      throw new NotFoundError('property', label, { key: 'label', where: 'the catalog' });
    return { label };
  }

  /**
   * Reads the properties of a catalog selection in property id order, as core's `Property` (one query; its documents
   * stream in the driver's batches, so memory holds a batch, not the catalog).
   *
   * @param selection - every property, or those with a label
   * @yields each property once, by id
   * @throws the driver's error when MongoDB cannot be reached
   */
  async *readSelection(selection: CatalogSelection): AsyncGenerator<Property> {
    const filter = 'label' in selection ? { labels: selection.label } : {};
    const cursor = this.properties.find(filter, { projection: { address: 1, listingUrls: 1 } }).sort({ _id: 1 });
    for await (const doc of cursor) yield { id: toPropertyId(doc.address), address: doc.address, listingUrls: doc.listingUrls };
  }

  /**
   * Counts the catalog's properties.
   *
   * @returns how many there are
   */
  count(): Promise<number> {
    return this.properties.estimatedDocumentCount();
  }

  /**
   * Deletes a property (its jobs and photos stay).
   *
   * @param id - its id or address
   * @throws NotFoundError when the catalog has no such property
   */
  async remove(id: string): Promise<void> {
    const deleted = await this.properties.deleteOne({ _id: toPropertyId(id) });
    if (deleted.deletedCount !== 1) throw new NotFoundError('property', id, { where: 'the catalog' });
  }

  /**
   * Seeds the catalog from a properties CSV with label {@link SAMPLE_LABEL},
   * once in the database's life: the first caller records the seed in
   * {@link CATALOG_STATE_COLLECTION} (`_id` `sample-seed`) and imports when the
   * catalog is empty; every later call, and a catalog its user emptied, is
   * left as it is. Two processes seeding at once both import (idempotent by
   * id: each property is added once). A seed that fails (the CSV unreadable)
   * writes no marker, so a later call seeds.
   *
   * @param csvPath - the CSV (e.g. the configured `PROPERTIES_CSV`)
   * @returns the import report, or `null` when the catalog was seeded before or is not empty
   * @throws core's NotFoundError / InvalidInputError when the CSV is missing or unreadable (nothing is marked)
   */
  async seedIfEmpty(csvPath: string): Promise<PropertyImportReport | null> {
    const state = this.properties.db.collection<{ _id: string; at: Date }>(CATALOG_STATE_COLLECTION);
    if ((await state.findOne({ _id: SEED_MARKER })) !== null) return null;
    const empty = (await this.properties.countDocuments({}, { limit: 1 })) === 0;
    // Imports are idempotent by id, so two first users may both import; the marker is written only after a
    // successful import (or when the catalog was never empty), so a failed seed is tried again later.
    const report = empty ? await this.importCsvFile(csvPath, { label: SAMPLE_LABEL }) : null;
    try {
      await state.insertOne({ _id: SEED_MARKER, at: this.clock.now() });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
    }
    return report;
  }
}
