import type { ExtractionCounters, ExtractionEvent, JobStatus, PropertyOutcomeStatus } from '@phx/core';
import {
  InvalidInputError,
  MAX_ADDRESS_LENGTH,
  MAX_STORED_TOKEN_LENGTH,
  MAX_STORED_URL_LENGTH,
  pickCounters,
  truncateStoredText,
} from '@phx/core';

/** Name of the collection of job events (one document per event). */
export const JOB_EVENTS_COLLECTION = 'job_events';

/** What a job event tells. */
export type JobEventKind = 'status' | 'property-started' | 'property-finished' | 'photo-stored' | 'photo-failed' | 'counters';

/** Every {@link JobEventKind}, in a stable order. */
export const JOB_EVENT_KINDS: readonly JobEventKind[] = Object.freeze([
  'status',
  'property-started',
  'property-finished',
  'photo-stored',
  'photo-failed',
  'counters',
]);

/** The counters every event carries: the job's progress just after the event. */
export type JobEventCounters = ExtractionCounters;

/** What an event says, without its place in the log. */
export interface JobEventBody {
  /** What happened. */
  readonly kind: JobEventKind;
  /** The job's status after the event. */
  readonly status: JobStatus;
  /** The job's counters after the event. */
  readonly counters: JobEventCounters;
  /** The property, for property and photo events; else `null`. */
  readonly propertyId: string | null;
  /** Its address, for `property-started` and `property-finished`; else `null`. */
  readonly address: string | null;
  /** The source, for photo events and `counters` events of one source; else `null`. */
  readonly source: string | null;
  /** The photo's id on its source (`photo-stored`, some `counters`); else `null`. */
  readonly photoId: string | null;
  /** SHA-256 of the stored photo (`photo-stored`); else `null`. */
  readonly sha256: string | null;
  /** `true` when the stored photo was new for the property, `false` for a duplicate (`photo-stored`); else `null`. */
  readonly isNew: boolean | null;
  /** How the property ended (`property-finished`): `completed`, `partial`, `deferred` or `failed`; else `null`. */
  readonly propertyStatus: PropertyOutcomeStatus | null;
  /** Photos the listing pages declare that the property's run did not account for (`property-finished`); else `null`. */
  readonly missingPhotos: number | null;
  /** When a `deferred` property may be tried again (`property-finished` of a deferred property); else `null`. */
  readonly retryAt: Date | null;
  /** The failure (`photo-failed`); for a `status` event of a failed or cancelled job, its message; else `null`. */
  readonly error: { readonly code: string; readonly message: string; readonly url: string | null } | null;
}

/** A job event as read back from the log, in its place. */
export interface JobEvent extends JobEventBody {
  /** Opaque, stable id of the event (the same on every server): pass it back as `afterEventId` to resume after it. */
  readonly id: string;
  /** The job. */
  readonly jobId: string;
  /** Place in the job's log: 1, 2, 3, … without gaps. */
  readonly seq: number;
  /** When the writer recorded the event. */
  readonly at: Date;
}

/** The document of one event in {@link JOB_EVENTS_COLLECTION}; `_id` is `<jobId>:<seq>`, unique, so two writers cannot take one place. */
export interface JobEventDocument extends JobEventBody {
  /** `<jobId>:<seq>`: the place, claimed by this insert. */
  readonly _id: string;
  /** The job. */
  readonly jobId: string;
  /** Place in the job's log, from 1. */
  readonly seq: number;
  /** When the event was recorded. */
  readonly at: Date;
  /** A random id of the writing attempt, to tell an own retried insert from another writer's. */
  readonly writeId: string;
}

/** An event to write, with the random id of its write (kept across retries, so a retried insert that had gone in is recognised). */
export interface JobEventEntry {
  /** The event. */
  readonly body: JobEventBody;
  /** Random id of this event's write, the same on every retry. */
  readonly writeId: string;
  /** When the event happened (recorded); absent = when it is written. */
  readonly at?: Date;
}

/** A position in one job's log: events after `seq` come next. */
export interface JobEventPosition {
  /** The job. */
  readonly jobId: string;
  /** The last place seen (0: before the first event). */
  readonly seq: number;
}

/**
 * The `_id` of the event at a place of a job's log.
 *
 * @param jobId - the job
 * @param seq - the place, 1 or more
 * @returns `<jobId>:<seq>`
 */
export function jobEventDocumentId(jobId: string, seq: number): string {
  return `${jobId}:${seq}`;
}

/**
 * The opaque id clients see for an event.
 *
 * @param jobId - the job
 * @param seq - the event's place
 * @returns base64url of `<jobId>:<seq>`
 */
export function encodeJobEventId(jobId: string, seq: number): string {
  return Buffer.from(jobEventDocumentId(jobId, seq), 'utf8').toString('base64url');
}

/**
 * Reads an event id back into a position.
 *
 * @param id - an id from {@link encodeJobEventId}
 * @param path - the argument named in the error (e.g. `afterEventId`)
 * @returns the job and place of the event
 * @throws core's `InvalidInputError` naming `path` when the id is not one this log made
 */
export function decodeJobEventId(id: string, path = 'afterEventId'): JobEventPosition {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8') : '';
  const match = /^([^:]{1,100}):([1-9][0-9]{0,14})$/.exec(text);
  if (match === null) {
    throw new InvalidInputError('job event id', [{ path, message: `"${id}" is not a job event id (use the id of an event you received)` }]);
  }
  return { jobId: match[1] as string, seq: Number(match[2]) };
}

/**
 * Maps a stored event document to the API shape.
 *
 * @param doc - a document of {@link JOB_EVENTS_COLLECTION}
 * @returns the event, with its opaque id
 */
export function fromJobEventDocument(doc: JobEventDocument): JobEvent {
  return {
    id: encodeJobEventId(doc.jobId, doc.seq),
    jobId: doc.jobId,
    seq: doc.seq,
    at: doc.at,
    kind: doc.kind,
    status: doc.status,
    counters: toJobEventCounters(doc.counters), // events written before a counter existed lack it
    propertyId: doc.propertyId ?? null,
    address: doc.address ?? null,
    source: doc.source ?? null,
    photoId: doc.photoId ?? null,
    sha256: doc.sha256 ?? null,
    isNew: doc.isNew ?? null,
    propertyStatus: doc.propertyStatus ?? null,
    missingPhotos: doc.missingPhotos ?? (doc.kind === 'property-finished' ? 0 : null),
    retryAt: doc.retryAt ?? null,
    error: doc.error ?? null,
  };
}

const EMPTY_DETAIL = {
  propertyId: null,
  address: null,
  source: null,
  photoId: null,
  sha256: null,
  isNew: null,
  propertyStatus: null,
  missingPhotos: null,
  retryAt: null,
  error: null,
} as const;

/**
 * The event body of a status change.
 *
 * @param status - the new status
 * @param counters - the counters at that moment
 * @param errorMessage - why the job failed or was cancelled, else `null`
 * @returns the body of a `status` event
 */
export function statusEventBody(status: JobStatus, counters: JobEventCounters, errorMessage: string | null): JobEventBody {
  return {
    ...EMPTY_DETAIL,
    kind: 'status',
    status,
    counters,
    error: errorMessage === null ? null : { code: status === 'cancelled' ? 'CANCELLED' : 'JOB_FAILED', message: errorMessage, url: null },
  };
}

/**
 * The event body of an extraction event of a running job.
 *
 * @param event - core's extraction event
 * @param counters - the job's live counters after it
 * @returns the body (`photos-listed`, `photo-unchanged`, `photo-listed-dry-run`, `photos-removed` become `counters` events)
 */
export function extractionEventBody(event: ExtractionEvent, counters: JobEventCounters): JobEventBody {
  const base = { ...EMPTY_DETAIL, status: 'in_progress' as const, counters };
  switch (event.type) {
    case 'property-started':
      return { ...base, kind: 'property-started', propertyId: event.propertyId, address: event.address };
    case 'property-finished':
      return {
        ...base,
        kind: 'property-finished',
        propertyId: event.outcome.propertyId,
        address: event.outcome.address,
        propertyStatus: event.outcome.status,
        missingPhotos: event.outcome.missingPhotos,
        retryAt: event.outcome.retryAt ?? null,
      };
    case 'photo-stored':
      return {
        ...base,
        kind: 'photo-stored',
        propertyId: event.propertyId,
        source: event.source,
        photoId: event.photoId,
        sha256: event.sha256,
        isNew: event.created,
      };
    case 'photo-failed':
      return {
        ...base,
        kind: 'photo-failed',
        propertyId: event.propertyId,
        source: event.failure.source,
        error: { code: event.failure.code, message: event.failure.message, url: event.failure.url },
      };
    case 'photo-unchanged':
      return {
        ...base,
        kind: 'counters',
        propertyId: event.propertyId,
        source: event.source,
        photoId: event.photoId,
        sha256: event.sha256,
      };
    case 'photo-listed-dry-run':
      return { ...base, kind: 'counters', propertyId: event.propertyId, source: event.source, photoId: event.photoId };
    case 'photos-listed':
      return { ...base, kind: 'counters', propertyId: event.propertyId, source: event.source };
    case 'photos-removed':
      return { ...base, kind: 'counters', propertyId: event.propertyId };
  }
}

/**
 * The counters of a job, a progress or an event document, and nothing else.
 *
 * @param c - counters as stored; an event written before a counter existed lacks it (taken as 0)
 * @returns every counter (core's `pickCounters`)
 */
export function toJobEventCounters(c: Partial<ExtractionCounters>): JobEventCounters {
  return pickCounters(c);
}

/**
 * An event as stored: the texts a site or an error made cut (address at core's
 * `MAX_ADDRESS_LENGTH`, photo id and error code at `MAX_STORED_TOKEN_LENGTH`,
 * error URL at `MAX_STORED_URL_LENGTH`, error message at
 * `MAX_STORED_TEXT_LENGTH`), so an event document stays small whatever the
 * site sent.
 *
 * @param body - the event as recorded
 * @returns the event to store (the same object when nothing was cut)
 */
export function boundJobEventBody(body: JobEventBody): JobEventBody {
  const cut = (text: string | null, max?: number): string | null => (text === null ? null : truncateStoredText(text, max));
  const { error } = body;
  const bounded: JobEventBody = {
    ...body,
    address: cut(body.address, MAX_ADDRESS_LENGTH),
    photoId: cut(body.photoId, MAX_STORED_TOKEN_LENGTH),
    error:
      error === null
        ? null
        : {
            code: truncateStoredText(error.code, MAX_STORED_TOKEN_LENGTH),
            message: truncateStoredText(error.message),
            url: cut(error.url, MAX_STORED_URL_LENGTH),
          },
  };
  const same =
    bounded.address === body.address &&
    bounded.photoId === body.photoId &&
    bounded.error?.message === error?.message &&
    bounded.error?.url === error?.url &&
    bounded.error?.code === error?.code;
  return same ? body : bounded;
}
