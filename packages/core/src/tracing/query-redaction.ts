/** What `url.query` says in place of a request's query string. */
export const REDACTED_QUERY = 'REDACTED';

/** The attributes of a span being started that {@link QueryStringRedaction} reads and rewrites (an SDK span). */
interface StartedSpan {
  readonly attributes?: Readonly<Record<string, unknown>>;
  setAttribute(key: string, value: string): unknown;
}

/** Attributes holding a whole URL or request target, whose query string goes. */
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target'] as const;

/**
 * A span processor that keeps query strings out of exported spans, as the
 * access log does: a query string can carry an API key or a token (e.g.
 * `?apiKey=…`), and the HTTP instrumentations record it (`url.query`,
 * `url.full`, `http.target`, `http.url`). At each span's start `url.query`
 * becomes {@link REDACTED_QUERY} and the URL attributes lose their `?…` part.
 * Structurally an OpenTelemetry `SpanProcessor` (this package depends on the
 * API only); the apps put it before their exporting processor.
 */
export class QueryStringRedaction {
  /**
   * Rewrites the span's URL attributes (see the class).
   *
   * @param span - the span being started (an SDK span: its `attributes` are readable)
   */
  onStart(span: StartedSpan): void {
    const attributes = span.attributes ?? {};
    if (typeof attributes['url.query'] === 'string' && attributes['url.query'] !== '') span.setAttribute('url.query', REDACTED_QUERY);
    for (const key of URL_ATTRIBUTES) {
      const value = attributes[key];
      if (typeof value === 'string' && value.includes('?')) span.setAttribute(key, value.slice(0, value.indexOf('?')));
    }
  }

  /** Nothing to do at a span's end. */
  onEnd(): void {}

  /** Nothing buffered. @returns resolved */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release. @returns resolved */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
