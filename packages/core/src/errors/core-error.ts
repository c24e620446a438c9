/**
 * What the runtime should do with a failure: retry it later (`transient`),
 * give up on that item (`permanent`), or stop talking to the source for a
 * while (`blocked`, which opens the source's circuit breaker).
 */
export type FailureKind = 'transient' | 'permanent' | 'blocked';

/** Options common to every phx error. */
export interface CoreErrorOptions {
  /** The error that caused this one, kept for logs; never shown to API clients. */
  readonly cause?: unknown;
}

/**
 * Base class of every error thrown by `@phx/core`. Other packages derive their
 * own bases (`ScraperError`, `JobError`) from it so that one `instanceof`
 * check and one `code` switch cover the whole system.
 */
export class CoreError extends Error {
  /** Stable machine-readable code, e.g. `INVALID_IMAGE`. Never changes between releases. */
  readonly code: string;
  /** What the runtime should do with this failure. */
  readonly kind: FailureKind;

  /**
   * @param code - stable machine-readable code
   * @param message - human-readable message naming the bad value and the fix
   * @param kind - what the runtime should do (default `permanent`)
   * @param options - `cause`: the original error
   */
  constructor(code: string, message: string, kind: FailureKind = 'permanent', options: CoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
  }
}

/** One problem found while validating input: where (`path`) and what (`message`). */
export interface InputIssue {
  /** Dotted path of the bad field, e.g. `sources.1`; empty for the whole value. */
  readonly path: string;
  /** What is wrong and what is accepted instead. */
  readonly message: string;
}

/**
 * Input (options, API arguments, CSV rows, CLI flags) that fails validation.
 * Lists every problem at once, not only the first.
 */
export class InvalidInputError extends CoreError {
  /** Every problem found, in input order. */
  readonly issues: readonly InputIssue[];

  /**
   * @param what - name of the input, e.g. `extraction input`
   * @param issues - every problem found (at least one)
   */
  constructor(what: string, issues: readonly InputIssue[], options: CoreErrorOptions = {}) {
    const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super('BAD_USER_INPUT', `Invalid ${what}: ${detail}`, 'permanent', options);
    this.issues = issues;
  }
}

/** Options of {@link NotFoundError}. */
export interface NotFoundErrorOptions extends CoreErrorOptions {
  /** What the lookup key is, e.g. `address` or `path`; default `id`. */
  readonly key?: string;
  /** Where it was looked up, e.g. the CSV file; named in the message. */
  readonly where?: string;
}

/** A thing looked up by id, address or path (a job, a property, a file) does not exist. */
export class NotFoundError extends CoreError {
  /** Kind of thing, e.g. `job`. */
  readonly entity: string;
  /** The id (or address, or path) that was looked up. */
  readonly id: string;

  /**
   * @param entity - kind of thing, e.g. `job`
   * @param id - the id, address or path that was looked up
   * @param options - `key` (default `id`), `where`, `cause`
   */
  constructor(entity: string, id: string, options: NotFoundErrorOptions = {}) {
    const where = options.where === undefined ? '' : ` in ${options.where}`;
    super('NOT_FOUND', `No ${entity} with ${options.key ?? 'id'} "${id}" exists${where}`, 'permanent', options);
    this.entity = entity;
    this.id = id;
  }
}

/**
 * The work was cancelled through its `AbortSignal` (by a user's cancel or a
 * shutting-down worker). Not a failure of the item: callers stop, keep what was
 * done and report `cancelled`.
 */
export class CancelledError extends CoreError {
  /**
   * @param reason - why it was cancelled, e.g. `job cancelled by user`
   */
  constructor(reason = 'operation was cancelled', options: CoreErrorOptions = {}) {
    super('CANCELLED', reason, 'permanent', options);
  }
}

/**
 * Throws {@link CancelledError} if `signal` is aborted.
 *
 * @param signal - the signal to check; `undefined` never throws
 * @throws {@link CancelledError} when the signal is aborted
 */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    throw new CancelledError(reason instanceof Error ? reason.message : String(reason ?? 'operation was cancelled'), {
      cause: reason,
    });
  }
}

/**
 * The property has no listing on a source: no listing URL was given and none
 * was found for the address. Permanent; the extractor records the source as
 * skipped for that property rather than failing it.
 */
export class ListingNotFoundError extends CoreError {
  /** The source searched, e.g. `redfin`. */
  readonly source: string;
  /** The address (or URL) that found nothing. */
  readonly query: string;

  /**
   * @param source - the source searched
   * @param query - the address or URL that found nothing
   * @param detail - what was seen, e.g. `address search returned no match`
   */
  constructor(source: string, query: string, detail: string, options: CoreErrorOptions = {}) {
    super('LISTING_NOT_FOUND', `No ${source} listing for "${query}": ${detail}`, 'permanent', options);
    this.source = source;
    this.query = query;
  }
}
