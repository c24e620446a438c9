import { describeBody } from '../listing/index.js';
import type { ApiAnswer } from '../listing/index.js';
import { parseRetryAfterMs } from '../download/photo-hosts.js';
import { BotWallError, NavigationError, RateLimitedError, UnexpectedContentError } from '../errors/index.js';
import { redfinWafMarkers } from './redfin-page.js';
import { parseRedfinApiBody } from './redfin-server-state.js';

/** What a Redfin stingray API answered a request made from a Redfin page (see `ApiAnswer`). */
export type RedfinApiAnswer = ApiAnswer;

/** Statuses AWS WAF answers with for a blocked or challenged request (202 challenge, 405 captcha, 403 block). */
const BLOCKED_STATUSES: ReadonlySet<number> = new Set([202, 403, 405]);
/** Statuses by which a site asks to be called less often. */
const RATE_LIMITED_STATUSES: ReadonlySet<number> = new Set([429, 503]);
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
