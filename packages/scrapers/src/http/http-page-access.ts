import type { PageFetchMode, Source } from '@phx/core';
import { UnexpectedContentError } from '../errors/index.js';
import { assertPageAnswered, describeBody } from '../listing/index.js';
import type { ApiAnswer, PageAccess, PageSnapshot } from '../listing/index.js';
import type { HttpAnswer, HttpPageClient, HttpSession } from './http-page-client.js';

/** Content types a listing page may come as. */
const PAGE_CONTENT_TYPE = /^\s*(text\/html|application\/xhtml\+xml)\b/i;

/** Options of {@link HttpPageAccess}. */
export interface HttpPageAccessOptions {
  /** The plain client. */
  readonly client: HttpPageClient;
  /** The site. */
  readonly source: Source;
  /** Dispatcher and cookie jar of this attempt. */
  readonly session: HttpSession;
  /** Time allowed for one page or API answer, in ms. */
  readonly timeoutMs: number;
  /** Aborts the requests. */
  readonly signal: AbortSignal | undefined;
}

/**
 * The `http` fetch mode's {@link PageAccess}: pages and site APIs are plain
 * GETs of the {@link HttpPageClient} with the session's cookies; the
 * snapshot's rendered DOM is the served HTML (no script runs). A page's
 * status is typed as Chromium's is (404/410 gone, 429/5xx transient), and a
 * 2xx that is not HTML is an {@link UnexpectedContentError}.
 */
export class HttpPageAccess implements PageAccess {
  /** Always `http`. */
  readonly mode: PageFetchMode = 'http';
  /** Always `null`: no browser behind it. */
  readonly page = null;
  private lastPageUrl: string | null = null;

  /**
   * @param options - client, site, session, timeout and signal
   */
  constructor(private readonly options: HttpPageAccessOptions) {}

  /**
   * GETs the page and types its status and content type.
   *
   * @param url - the page URL
   * @returns the snapshot (`renderedHtml` is `html`)
   * @throws `ListingRemovedError` on 404/410 (`replayMiss` in replay), `NavigationError` on 429/5xx (with
   *   `retryAfterMs`), timeouts and connection errors, `OffSiteRedirectError`, `PageTooLargeError`, and
   *   {@link UnexpectedContentError} (`expected: 'HTML'`) for a 2xx page that is not HTML
   */
  async load(url: string): Promise<PageSnapshot> {
    const { source } = this.options;
    const answer = await this.get(url, 'page');
    assertPageAnswered(url, source, answer.status, (name) => answer.headers[name] ?? null);
    const contentType = answer.headers['content-type'] ?? null;
    if (answer.status >= 200 && answer.status < 300 && (contentType === null || !PAGE_CONTENT_TYPE.test(contentType))) {
      throw new UnexpectedContentError(url, source, {
        api: 'listing page',
        status: answer.status,
        contentType,
        expected: 'HTML',
        seen: describeBody(answer.body),
      });
    }
    this.lastPageUrl = answer.finalUrl;
    return { requestedUrl: url, finalUrl: answer.finalUrl, status: answer.status, html: answer.body, renderedHtml: answer.body };
  }

  /**
   * GETs a site API as the page's scripts would (same-origin fetch headers, the page as referer).
   *
   * @param url - the API URL
   * @returns the answer, whatever its status
   */
  async getApi(url: string): Promise<ApiAnswer> {
    const answer = await this.get(url, 'api');
    return {
      status: answer.status,
      contentType: answer.headers['content-type'] ?? null,
      retryAfter: answer.headers['retry-after'] ?? null,
      body: answer.body,
    };
  }

  private get(url: string, kind: 'page' | 'api'): Promise<HttpAnswer> {
    const { client, source, session, timeoutMs, signal } = this.options;
    return client.get({
      url,
      source,
      kind,
      session,
      timeoutMs,
      ...(kind === 'api' && this.lastPageUrl !== null ? { referer: this.lastPageUrl } : {}),
      ...(signal === undefined ? {} : { signal }),
    });
  }
}
