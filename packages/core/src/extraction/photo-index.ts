import type { PropertyId } from '../model/ids.js';
import type { Source } from '../model/source.js';
import { mergeSighting, newPhotoRecord } from '../photos/photo-record-merge.js';
import { findSamePhoto } from '../photos/same-photo.js';
import type { ImageIdentity, SamePhotoMatch } from '../photos/same-photo.js';
import type { ImageStore } from '../ports/image-store.js';
import type { PhotoObservation, PhotoRecord, PhotoRepository } from '../ports/photo-repository.js';

/** Why a record's files are stored again: one is missing, or one's size is not the size recorded (damaged). */
export type FileProblem = 'missing' | 'size-mismatch';

/** How many photos' files a run stored again, by why. */
export interface RestoredFiles {
  /** Photos one of whose files was missing. */
  readonly missing: number;
  /** Photos whose files were all there but one had another size than recorded. */
  readonly sizeMismatch: number;
}

/** What is wrong with a record's files in a listing of the store (name -> size in bytes), or `null` when nothing. */
function fileProblem(record: PhotoRecord, files: ReadonlyMap<string, number>): FileProblem | null {
  const expected = [{ fileName: record.fileName, byteLength: record.byteLength }, ...record.variants];
  if (expected.some((f) => !files.has(f.fileName))) return 'missing';
  return expected.some((f) => files.get(f.fileName) !== f.byteLength) ? 'size-mismatch' : null;
}

/**
 * The photo records of the property being extracted, read once from the
 * repository and kept current with the same merge rule the repositories
 * apply, so finding the same picture costs no query per photo. Valid
 * because one property is extracted by one worker at a time and its
 * records are written one at a time (the context's `recordLock`).
 */
export class PhotoIndex {
  readonly #propertyId: PropertyId;
  #records: PhotoRecord[] | null = null;
  /** Records left out by `load` because the store lacks one of their files or holds one damaged. */
  #unfiled: readonly PhotoRecord[] = [];
  /** Why each left-out record (by its hash) was left out. */
  readonly #problems = new Map<string, FileProblem>();
  /** Hashes of the left-out records whose files this run stored again. */
  readonly #restored = new Set<string>();
  /** Hashes of the records this run has recorded a sighting on. */
  readonly #touched = new Set<string>();

  /** @param propertyId - the property whose records are indexed */
  constructor(propertyId: PropertyId) {
    this.#propertyId = propertyId;
  }

  /**
   * Reads the property's records once; later calls do nothing. With `store`,
   * a record whose original file or one of whose web variants the store lacks
   * (an images folder replaced, emptied or pruned under the same database),
   * or holds with another size than the record's `byteLength` (a truncated
   * or overwritten file), is left out: its photo is downloaded and its files
   * stored again (the store replaces a file of the wrong size) instead of
   * being taken as unchanged. A damaged file of the right size is not seen.
   *
   * @param repository - where the records are
   * @param store - where the files are (one `listFiles` call); `null` (a dry run) keeps every record
   */
  async load(repository: PhotoRepository, store: Pick<ImageStore, 'listFiles'> | null): Promise<void> {
    if (this.#records !== null) return;
    const [records, files] = await Promise.all([
      repository.listPhotos(this.#propertyId),
      store === null ? null : store.listFiles(this.#propertyId).then((list) => new Map(list.map((f) => [f.fileName, f.byteLength]))),
    ]);
    if (this.#records !== null) return;
    const filed: PhotoRecord[] = [];
    const unfiled: PhotoRecord[] = [];
    for (const r of records) {
      const problem = files === null ? null : fileProblem(r, files);
      if (problem === null) filed.push(r);
      else {
        unfiled.push(r);
        this.#problems.set(r.sha256, problem);
      }
    }
    this.#records = filed;
    this.#unfiled = unfiled;
  }

  /**
   * Notes that this run stored again the files of a record `load` left out,
   * when `sha256` is its hash and it was not noted before: the photo is the
   * same listing photo as recorded (unchanged), not a new or duplicate one.
   *
   * @param sha256 - SHA-256 of the bytes just stored
   * @returns why the record's files were stored again, or `null` when the
   *   bytes are no left-out record's, or its files were already stored again this run
   */
  restored(sha256: string): FileProblem | null {
    const problem = this.#problems.get(sha256);
    if (problem === undefined || this.#restored.has(sha256)) return null;
    this.#restored.add(sha256);
    return problem;
  }

  /** @returns how many photos' files this run stored again, by why */
  restoredFiles(): RestoredFiles {
    const reasons = [...this.#restored].map((sha256) => this.#problems.get(sha256));
    return { missing: reasons.filter((r) => r === 'missing').length, sizeMismatch: reasons.filter((r) => r === 'size-mismatch').length };
  }

  /**
   * Tells whether any record read by `load` (those whose files are missing
   * or damaged too) or made since holds these bytes, as its canonical image or as one of
   * its duplicates. When none does, a sighting of them is a new picture for
   * the repository (`PhotoObservation.newPicture`).
   *
   * @param sha256 - SHA-256 of the bytes
   * @returns `true` when a record holds them; `false` before `load`
   */
  knowsBytes(sha256: string): boolean {
    if (this.#records === null) return true;
    return [...this.#records, ...this.#unfiled].some((r) => r.sha256 === sha256 || r.duplicates.some((d) => d.sha256 === sha256));
  }

  /**
   * The records a `markRemoved` can decide on instead of reading them again:
   * every record of the property as this run left them.
   *
   * @returns the records, or `null` when the index cannot vouch for them (not
   *   loaded, or some records were left out for missing or damaged files)
   */
  recordsForRemoval(): readonly PhotoRecord[] | null {
    return this.#records === null || this.#unfiled.length > 0 ? null : this.#records;
  }

  /**
   * @param image - the new image
   * @param maxDistance - largest perceptual distance for the same picture
   * @returns the record of the same picture, or `null`
   */
  find(image: ImageIdentity, maxDistance: number): SamePhotoMatch | null {
    return findSamePhoto(image, this.#records ?? [], maxDistance);
  }

  /**
   * Finds the record that already holds a listed photo: seen on `source`
   * under `photoId`, or downloaded from `url`.
   *
   * @param source - the source listing the photo
   * @param photoId - the site's photo id
   * @param url - the URL it would be downloaded from
   * @returns the record, or `null` when the photo must be downloaded
   */
  findSighting(source: Source, photoId: string, url: string): PhotoRecord | null {
    for (const record of this.#records ?? []) {
      if (record.urls.includes(url) || (record.sources.includes(source) && record.photoIds.includes(photoId))) return record;
    }
    return null;
  }

  /**
   * @param record - an indexed record
   * @returns `true` when this run already recorded a sighting on it (then a
   *   second listing of it is a duplicate, not an unchanged photo)
   */
  seenThisRun(record: PhotoRecord): boolean {
    return this.#touched.has(record.sha256);
  }

  /** @returns the indexed records (empty before `load`) */
  records(): readonly PhotoRecord[] {
    return this.#records ?? [];
  }

  /**
   * Applies a sighting the repository has just recorded.
   *
   * @param observation - the recorded sighting
   * @param match - the record it joined, or `null` when it created one
   */
  recorded(observation: PhotoObservation, match: SamePhotoMatch | null): void {
    const records = (this.#records ??= []);
    // A match found before another sighting of the same record was applied is an older copy of it: merge into the current one.
    const sameRecord = (r: PhotoRecord, m: PhotoRecord) => r === m || (m.key === undefined ? r.sha256 === m.sha256 : r.key === m.key);
    const at = match === null ? -1 : records.findIndex((r) => sameRecord(r, match.record));
    const current = records[at];
    const record = current === undefined ? newPhotoRecord(observation) : mergeSighting(current, observation);
    if (at < 0) records.push(record);
    else records[at] = record;
    for (const hash of [record.sha256, ...record.duplicates.map((d) => d.sha256)]) this.#touched.add(hash);
  }
}
