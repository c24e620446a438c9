import { InputTooLongError } from '../errors/input-too-long-error.js';
import type { InputLimitIssue } from '../errors/input-too-long-error.js';
import type { PhotoObservation } from '../ports/photo-repository.js';
import type { ExtractionFailure, PropertyOutcome } from './extraction-job.js';
import type { Property } from './property.js';

/*
 * The caps that keep every stored document small whatever a user or a site
 * sends: inputs over a cap are refused at the door (InputTooLongError), texts
 * a site or an error makes are cut, lists that grow with time keep their
 * latest entries. `@phx/jobs` states the document bounds that follow from them
 * (`MAX_DOCUMENT_BYTES`) and its tests check those bounds on a real database.
 */

/** Longest street address accepted, in characters (real ones are under 100; as long as the longest property id). */
export const MAX_ADDRESS_LENGTH = 255;
/** Longest listing page URL accepted, in characters (what browsers and CDNs take in practice). */
export const MAX_LISTING_URL_LENGTH = 2048;
/** Longest error message, reason or status text stored, in characters; longer ones are cut, ending in `…`. */
export const MAX_STORED_TEXT_LENGTH = 2000;
/** Longest photo or page URL stored in a photo record, a failure or an event, in characters; longer ones are cut, ending in `…`. */
export const MAX_STORED_URL_LENGTH = 2048;
/** Longest site token stored (a photo id, an ETag, an error code), in characters; longer ones are cut, ending in `…`. */
export const MAX_STORED_TOKEN_LENGTH = 256;
/** Longest gallery caption stored, in characters; longer ones are cut, ending in `…`. */
export const MAX_CAPTION_LENGTH = 1000;
/**
 * Most failures a stored outcome keeps: the first `MAX_OUTCOME_FAILURES - 1`
 * in order, then one `MORE_FAILURES` entry counting the rest (a listing of
 * 1,000 photos that all fail would otherwise store 1,000 messages).
 */
export const MAX_OUTCOME_FAILURES = 50;
/** Code of the failure entry that stands for the failures an outcome did not keep (see {@link MAX_OUTCOME_FAILURES}). */
export const MORE_FAILURES_CODE = 'MORE_FAILURES';
/**
 * Most photo ids, URLs and ETags a photo record keeps (each list on its own):
 * the ones added last. They grow when a site renames or re-signs a photo's URL
 * on every visit, once per run.
 */
export const MAX_PHOTO_SIGHTINGS = 20;
/** Most duplicate versions a photo record keeps: the ones added last (the files of one dropped stay in the image store). */
export const MAX_PHOTO_DUPLICATES = 20;
/** Most labels one catalog property carries. */
export const MAX_PROPERTY_LABELS = 100;

/**
 * The limit issue of one value, if it is over its limit.
 *
 * @param path - the field, as named in the error
 * @param value - a string (measured in characters) or a list (measured in items)
 * @param limit - the most it may be
 * @returns the issue, or `null` when `value` is within the limit
 */
export function limitIssue(path: string, value: string | readonly unknown[], limit: number): InputLimitIssue | null {
  if (value.length <= limit) return null;
  return { path, limit, actual: value.length, unit: typeof value === 'string' ? 'characters' : 'items' };
}

/**
 * The limit issues of a property: its address over {@link MAX_ADDRESS_LENGTH},
 * each listing URL over {@link MAX_LISTING_URL_LENGTH}.
 *
 * @param property - the address and listing URLs as given
 * @param path - prefix of the fields' paths, e.g. `properties.3` (empty: `address`, `listingUrls.zillow`)
 * @returns the issues, empty when the property is within every limit
 */
export function propertyLimitIssues(property: Pick<Property, 'address' | 'listingUrls'>, path = ''): InputLimitIssue[] {
  const at = (field: string): string => (path === '' ? field : `${path}.${field}`);
  const issues = [limitIssue(at('address'), property.address, MAX_ADDRESS_LENGTH)];
  for (const [source, url] of Object.entries(property.listingUrls)) {
    if (url !== undefined) issues.push(limitIssue(at(`listingUrls.${source}`), url, MAX_LISTING_URL_LENGTH));
  }
  return issues.filter((i) => i !== null);
}

/**
 * Refuses values over their limits, naming every one.
 *
 * @param what - name of the input, e.g. `extraction input`
 * @param issues - limit issues, `null` for a value within its limit
 * @throws {@link InputTooLongError} (`BAD_USER_INPUT`) listing each value over its limit, when there is one
 */
export function assertWithinLimits(what: string, issues: readonly (InputLimitIssue | null)[]): void {
  const over = issues.filter((i) => i !== null);
  if (over.length > 0) throw new InputTooLongError(what, over);
}

/**
 * Cuts a text a site or an error made to a stored length.
 *
 * @param text - the text
 * @param max - most characters kept, the `…` included; default {@link MAX_STORED_TEXT_LENGTH}
 * @returns `text` itself when short enough, else its start ending in `…` (never half a surrogate pair), `max` characters at most
 */
export function truncateStoredText(text: string, max: number = MAX_STORED_TEXT_LENGTH): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** `text` cut to `max` characters, `null` and `undefined` kept as they are. */
function cutOptional<T extends string | null | undefined>(text: T, max: number): T {
  return (typeof text === 'string' ? truncateStoredText(text, max) : text) as T;
}

/**
 * A failure as stored: message cut at {@link MAX_STORED_TEXT_LENGTH}, URL at
 * {@link MAX_STORED_URL_LENGTH}, code at {@link MAX_STORED_TOKEN_LENGTH}.
 *
 * @param failure - a failure as met
 * @returns the same failure (the same object when nothing was cut)
 */
export function boundFailure(failure: ExtractionFailure): ExtractionFailure {
  const message = truncateStoredText(failure.message);
  const url = cutOptional(failure.url, MAX_STORED_URL_LENGTH);
  const code = truncateStoredText(failure.code, MAX_STORED_TOKEN_LENGTH);
  if (message === failure.message && url === failure.url && code === failure.code) return failure;
  return { ...failure, message, url, code };
}

/**
 * An outcome as stored, whatever the property met: at most
 * {@link MAX_OUTCOME_FAILURES} failures (the first ones, then one
 * {@link MORE_FAILURES_CODE} entry counting the others), each cut by
 * {@link boundFailure}; skipped sources' reasons cut at
 * {@link MAX_STORED_TEXT_LENGTH}; the address at {@link MAX_ADDRESS_LENGTH}.
 * Counts are kept as they are.
 *
 * @param outcome - a property's outcome
 * @returns the outcome to store
 */
export function boundOutcome(outcome: PropertyOutcome): PropertyOutcome {
  const kept = outcome.failures.length <= MAX_OUTCOME_FAILURES ? outcome.failures : outcome.failures.slice(0, MAX_OUTCOME_FAILURES - 1);
  const omitted = outcome.failures.length - kept.length;
  const more: ExtractionFailure[] =
    omitted === 0
      ? []
      : [
          {
            ...{ source: null, url: null, code: MORE_FAILURES_CODE },
            message: `${omitted} more failures of this property are not stored (an outcome keeps ${MAX_OUTCOME_FAILURES - 1})`,
          },
        ];
  return {
    ...outcome,
    address: truncateStoredText(outcome.address, MAX_ADDRESS_LENGTH),
    skippedSources: outcome.skippedSources.map((s) => ({ ...s, reason: truncateStoredText(s.reason) })),
    failures: [...kept.map(boundFailure), ...more],
  };
}

/**
 * A photo sighting as a photo record stores it: URL cut at
 * {@link MAX_STORED_URL_LENGTH}, photo id and ETag at
 * {@link MAX_STORED_TOKEN_LENGTH}, caption at {@link MAX_CAPTION_LENGTH}
 * (values a site sends, unchecked before).
 *
 * @param o - the sighting
 * @returns the same sighting (the same object when nothing was cut)
 */
export function boundPhotoObservation(o: PhotoObservation): PhotoObservation {
  const url = truncateStoredText(o.url, MAX_STORED_URL_LENGTH);
  const photoId = truncateStoredText(o.photoId, MAX_STORED_TOKEN_LENGTH);
  const etag = cutOptional(o.etag, MAX_STORED_TOKEN_LENGTH);
  const caption = cutOptional(o.gallery?.caption, MAX_CAPTION_LENGTH);
  if (url === o.url && photoId === o.photoId && etag === o.etag && caption === o.gallery?.caption) return o;
  return {
    ...o,
    url,
    photoId,
    ...(etag === undefined ? {} : { etag }),
    ...(o.gallery === undefined ? {} : { gallery: { ...o.gallery, caption: caption ?? null } }),
  };
}

/**
 * The last `max` entries of a list that grows with time (the ones added last).
 *
 * @param list - the list, oldest first
 * @param max - most entries kept
 * @returns `list` itself when short enough, else its last `max` entries
 */
export function keepLatest<T>(list: readonly T[], max: number): readonly T[] {
  return list.length <= max ? list : list.slice(list.length - max);
}
