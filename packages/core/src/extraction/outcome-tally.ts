import type { ExtractionFailure, PropertyOutcome, PropertyOutcomeStatus } from '../model/extraction-job.js';
import type { PageFetchMode } from '../model/fetch-mode.js';
import type { Property } from '../model/property.js';
import type { Source } from '../model/source.js';

/**
 * Accumulates what happened to one property and turns it into its
 * {@link PropertyOutcome}. Not concurrency-safe by itself: callers add photo
 * results in gallery order after they settle, so failures keep that order.
 */
export class OutcomeTally {
  readonly #property: Property;
  #photosFound = 0;
  #newImages = 0;
  #duplicateImages = 0;
  #failedImages = 0;
  #unchangedImages = 0;
  #removedImages = 0;
  #missingPhotos = 0;
  #placeholderImages = 0;
  readonly #listedPhotoIds: string[] = [];
  #failedSources = 0;
  readonly #sourcesRead: Source[] = [];
  readonly #fetchModes: { source: Source; mode: PageFetchMode }[] = [];
  readonly #skippedSources: { source: Source; reason: string }[] = [];
  readonly #failures: ExtractionFailure[] = [];

  /** @param property - the property being extracted */
  constructor(property: Property) {
    this.#property = property;
  }

  /** Counts the photos a source listed and remembers their ids. */
  listed(photoIds: readonly string[]): void {
    this.#photosFound += photoIds.length;
    this.#listedPhotoIds.push(...photoIds);
  }

  /** Counts a photo already recorded and not downloaded again; `placeholder` when its record is one. */
  unchanged(placeholder = false): void {
    this.#unchangedImages += 1;
    if (placeholder) this.#placeholderImages += 1;
  }

  /** Counts records marked removed. */
  removed(count: number): void {
    this.#removedImages += count;
  }

  /** Photo ids listed by the sources so far. */
  get listedPhotoIds(): readonly string[] {
    return this.#listedPhotoIds;
  }

  /** Sources read so far. */
  get sourcesRead(): readonly Source[] {
    return this.#sourcesRead;
  }

  /** `true` when no source failed. */
  get noSourceFailed(): boolean {
    return this.#failedSources === 0;
  }

  /** Counts a stored photo, new or duplicate; `placeholder` when it is a flat placeholder image. */
  stored(created: boolean, placeholder = false): void {
    if (created) this.#newImages += 1;
    else this.#duplicateImages += 1;
    if (placeholder) this.#placeholderImages += 1;
  }

  /** Records a photo that failed alone. */
  photoFailed(failure: ExtractionFailure): void {
    this.#failedImages += 1;
    this.#failures.push(failure);
  }

  /** Records a source whose photos were read. */
  read(source: Source): void {
    this.#sourcesRead.push(source);
  }

  /** Records what served a source's listing page (`ListingPhotos.fetchMode`); `undefined` (the scraper did not say) records nothing. */
  fetched(source: Source, mode: PageFetchMode | undefined): void {
    if (mode !== undefined) this.#fetchModes.push({ source, mode });
  }

  /** Records a source with no listing for the property. */
  skip(source: Source, reason: string): void {
    this.#skippedSources.push({ source, reason });
  }

  /**
   * Compares a source's declared photo count with the photos its run
   * accounted for; a shortfall is recorded as a `PHOTOS_MISSING` failure and
   * makes the property `partial` (unless it fails).
   *
   * @param source - the source read
   * @param url - its listing page URL
   * @param declared - photos the page says the listing has, or `null`/`undefined` when it does not say
   * @param accounted - photos stored, duplicate, unchanged or failed (in a dry run: listed)
   */
  checkDeclared(source: Source, url: string, declared: number | null | undefined, accounted: number): void {
    if (declared === null || declared === undefined || declared <= accounted) return;
    const missing = declared - accounted;
    this.#missingPhotos += missing;
    const message = `The ${source} listing page ${url} declares ${declared} photos but its gallery gave ${accounted}: ${missing} missing`;
    this.#failures.push({ source, url, code: 'PHOTOS_MISSING', message });
  }

  /** Records a source that could not be read; the property will fail. */
  sourceFailed(failure: ExtractionFailure): void {
    this.#failedSources += 1;
    this.#failures.push(failure);
  }

  /**
   * @returns the outcome: `failed` unless at least one source was read and
   *   none failed; then `partial` when photos are missing, else `completed`
   */
  toOutcome(): PropertyOutcome {
    const failures = [...this.#failures];
    if (this.#sourcesRead.length === 0 && this.#failedSources === 0) {
      const reasons = this.#skippedSources.map((s) => `${s.source}: ${s.reason}`).join('; ');
      failures.push({
        source: null,
        url: null,
        code: 'NOT_FOUND',
        message: `No requested source has a listing for "${this.#property.address}"${reasons === '' ? '' : ` (${reasons})`}`,
      });
    }
    return {
      propertyId: this.#property.id,
      address: this.#property.address,
      status: this.#status(),
      photosFound: this.#photosFound,
      newImages: this.#newImages,
      duplicateImages: this.#duplicateImages,
      failedImages: this.#failedImages,
      unchangedImages: this.#unchangedImages,
      removedImages: this.#removedImages,
      missingPhotos: this.#missingPhotos,
      placeholderImages: this.#placeholderImages,
      sourcesRead: [...this.#sourcesRead],
      fetchModes: [...this.#fetchModes],
      skippedSources: [...this.#skippedSources],
      failures,
    };
  }

  #status(): PropertyOutcomeStatus {
    if (this.#sourcesRead.length === 0 || this.#failedSources > 0) return 'failed';
    return this.#missingPhotos > 0 ? 'partial' : 'completed';
  }
}
