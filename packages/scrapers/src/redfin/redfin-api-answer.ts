import type { Page } from 'playwright-core';
import { parseRetryAfterMs } from '../download/photo-hosts.js';
import { BotWallError, NavigationError, RateLimitedError, UnexpectedContentError } from '../errors/index.js';
import { redfinWafMarkers } from './redfin-page.js';
import { parseRedfinApiBody } from './redfin-server-state.js';

/** What a Redfin stingray API answered a request made from inside a Redfin page. */
export interface RedfinApiAnswer {
  /** HTTP status. */
  readonly status: number;
  /** `Content-Type` header, or `null`. */
  readonly contentType: string | null;
  /** `Retry-After` header as sent (seconds or an HTTP date), or `null`. */
  readonly retryAfter: string | null;
  /** The body as text. */
  readonly body: string;
}

/** Statuses AWS WAF answers with for a blocked or challenged request (202 challenge, 405 captcha, 403 block). */
const BLOCKED_STATUSES: ReadonlySet<number> = new Set([202, 403, 405]);
/** Statuses by which a site asks to be called less often. */
const RATE_LIMITED_STATUSES: ReadonlySet<number> = new Set([429, 503]);
/** Longest body excerpt quoted when an answer has no HTML title, in characters. */
const SEEN_CHARS = 80;

/** What an unexpected body is, for people: its HTML title, else its first characters. */
function describeBody(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, ' ').trim();
  if (title !== undefined && title !== '') return `an HTML page titled "${title}"`;
  const start = body.replace(/\s+/g, ' ').trim().slice(0, SEEN_CHARS);
  return start === '' ? 'an empty body' : `a body starting "${start}"`;
}

/**
 * Types a Redfin stingray API answer (`aboveTheFold`, location search):
 * throws the error that says what the answer is, or returns the answer
 * for the caller to read.
 *
 * - 202, 403, 405, or a body with AWS WAF challenge markers (any status):
 *   {@link BotWallError} (kind `blocked`, counted by the source's circuit breaker);
 * - 429 or 503: {@link RateLimitedError} (kind `transient`) carrying the
 *   `Retry-After` delay in ms, which the source's guard honours when it retries;
 * - another 5xx: {@link NavigationError} (kind `transient`);
 * - 200 whose body is not JSON (after the `{}&&` prefix), e.g. an HTML
 *   page: {@link UnexpectedContentError} naming the content type and the
 *   page's title or first characters.
 *
 * Other statuses (404, 400...) are returned: what they mean depends on the API.
 *
 * @param url - the API URL asked (for errors)
 * @param api - which API, for messages, e.g. `aboveTheFold`
 * @param answer - what came
 * @param nowMs - the current time in ms since the epoch, to read a `Retry-After` date; default `Date.now()`
 * @returns `answer` when it is a 200 with a JSON body, or a status none of the above types
 * @throws {@link BotWallError}, {@link RateLimitedError}, {@link NavigationError}, {@link UnexpectedContentError} as listed
 */
export function readRedfinApiAnswer(url: string, api: string, answer: RedfinApiAnswer, nowMs: number = Date.now()): RedfinApiAnswer {
  const { status, body, contentType } = answer;
  const markers = redfinWafMarkers(body);
  if (BLOCKED_STATUSES.has(status) || markers.length > 0) {
    throw new BotWallError(url, 'redfin', {
      vendor: markers.length > 0 || status !== 403 ? 'aws-waf' : 'unknown',
      status,
      markers: markers.length > 0 ? markers : [`HTTP ${status} from the ${api} API`],
    });
  }
  const retryAfterMs = parseRetryAfterMs(answer.retryAfter, nowMs);
  if (RATE_LIMITED_STATUSES.has(status)) throw new RateLimitedError(url, 'redfin', { status, retryAfterMs, api });
  if (status >= 500) throw new NavigationError(url, 'redfin', { message: `the ${api} API answered HTTP ${status}`, status, retryAfterMs });
  if (status === 200 && parseRedfinApiBody(body) === undefined) {
    throw new UnexpectedContentError(url, 'redfin', { api, status, contentType, expected: 'JSON', seen: describeBody(body) });
  }
  return answer;
}

/**
 * Asks a Redfin stingray API from inside a Redfin page (with its cookies,
 * as the page's own scripts do) and types the answer with
 * {@link readRedfinApiAnswer}. The caller waits for the host's rate limit first.
 *
 * @param page - a page on the Redfin site of `url`
 * @param url - the API URL, absolute or relative to the page
 * @param api - which API, for messages, e.g. `aboveTheFold`
 * @returns the answer: a 200 with a JSON body, or a status left to the caller (404...)
 * @throws {@link NavigationError} (transient) when the request failed without an answer (network error)
 * @throws {@link BotWallError}, {@link RateLimitedError}, {@link UnexpectedContentError} as {@link readRedfinApiAnswer} does
 * @throws Playwright's error when the page closed or crashed meanwhile
 */
export async function askRedfinApi(page: Page, url: string, api: string): Promise<RedfinApiAnswer> {
  const absolute = new URL(url, page.url()).href;
  const got = await page.evaluate(async (u) => {
    try {
      const res = await fetch(u, { credentials: 'include' });
      return {
        status: res.status,
        contentType: res.headers.get('content-type'),
        retryAfter: res.headers.get('retry-after'),
        body: await res.text(),
      };
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
  }, absolute);
  if ('failed' in got) throw new NavigationError(absolute, 'redfin', { message: `the ${api} API request failed: ${got.failed}` });
  return readRedfinApiAnswer(absolute, api, got);
}
