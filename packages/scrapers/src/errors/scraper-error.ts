import { CoreError } from '@phx/core';
import type { CoreErrorOptions, FailureKind, Source } from '@phx/core';

/** Context every scraper error carries in read-only fields, not only in its message. */
export interface ScraperErrorContext {
  /** URL of the page or photo involved. */
  readonly url: string;
  /** Site involved, or `null` when the URL belongs to no known site. */
  readonly source: Source | null;
  /** The original error, kept for logs. */
  readonly cause?: unknown;
}

/**
 * Base class of every error thrown by `@phx/scrapers`. Its `kind` (from
 * `CoreError`) tells the runtime what to do: retry (`transient`), give up on
 * the item (`permanent`) or back off from the source (`blocked`). A URL over
 * {@link MAX_MESSAGE_URL_CHARS} characters is cut with an ellipsis in the
 * message; `url` keeps it whole.
 */
export class ScraperError extends CoreError {
  /** URL of the page or photo involved. */
  readonly url: string;
  /** Site involved, or `null`. */
  readonly source: Source | null;

  /**
   * @param code - stable machine-readable code, e.g. `BOT_WALL`
   * @param message - what was seen and what to do
   * @param kind - what the runtime should do
   * @param context - `url`, `source` and `cause`
   */
  constructor(code: string, message: string, kind: FailureKind, context: ScraperErrorContext) {
    const options: CoreErrorOptions = context.cause === undefined ? {} : { cause: context.cause };
    super(code, shortenUrlIn(message, context.url), kind, options);
    this.url = context.url;
    this.source = context.source;
  }
}

/** Longest URL quoted in full in an error message, in characters; the `url` field always keeps the whole URL. */
const MAX_MESSAGE_URL_CHARS = 300;

/** Every occurrence of a URL longer than {@link MAX_MESSAGE_URL_CHARS} in `message`, cut to that length with an ellipsis. */
function shortenUrlIn(message: string, url: string): string {
  if (url.length <= MAX_MESSAGE_URL_CHARS) return message;
  return message.split(url).join(`${url.slice(0, MAX_MESSAGE_URL_CHARS - 1)}…`);
}
