import { CancelledError, parseInput, throwIfCancelled } from '@phx/core';
import { z } from 'zod';
import { BotWallError, SourceBlockedError } from '../errors/index.js';
import { abortable, checkSignal } from '../politeness/abortable.js';
import { proxyFailureOf } from './proxy-failure.js';
import type { Session } from './session.js';
import type { SessionPool } from './session-pool.js';

/** Run-time schema of {@link SessionRotationOptions}, with its defaults. */
export const sessionRotationOptionsSchema = z
  .object({
    /**
     * Sessions (0-100) the work may move on to after the first one was
     * retired, as Crawlee's `maxSessionRotations`; past it the source is
     * reported blocked. Default 10.
     */
    maxSessionRotations: z.number().int().min(0).max(100).default(10),
    /** URL the work loads, named by the `SourceBlockedError`. Default `about:blank`. */
    url: z.string().min(1).default('about:blank'),
  })
  .strict();

/** Options of {@link runWithSessionRotation}. */
export type SessionRotationOptions = z.input<typeof sessionRotationOptionsSchema>;

/** How a failed piece of work weighs on its session, or `null` when it is none of the session's business. */
function sessionFailureOf(error: unknown, session: Session): { readonly blocked: boolean; readonly reason: string } | null {
  if (error instanceof BotWallError) return { blocked: true, reason: `${error.vendor} bot wall (HTTP ${error.status})` };
  if (session.proxy === null) return null;
  const proxyFailure = proxyFailureOf(error);
  return proxyFailure === null ? null : { blocked: false, reason: proxyFailure };
}

/**
 * Runs `work` with the session of `key` from `pool`, moving to another
 * session when this one is blocked or its proxy fails, as Crawlee's crawlers
 * rotate sessions: on a {@link BotWallError} the session is retired
 * (`markBlocked`, counting towards setting its proxy aside); on a proxy
 * failure of a proxied session (refused, timed out, 407, CONNECT failure,
 * Chromium's `ERR_PROXY_CONNECTION_FAILED` / `ERR_TUNNEL_CONNECTION_FAILED`;
 * see `proxyFailureOf`) the session is retired and its proxy set aside for
 * its cool-down (`markProxyFailed`). Either way the work is run again on the
 * key's next session (the next proxy round-robin). Work that ends well marks
 * its session good. Any other error is thrown as it is, the session kept.
 *
 * @param pool - the source's sessions
 * @param key - what the session sticks to, e.g. a property id
 * @param signal - cancels the work: the call rejects at once, whatever the work does with the signal
 * @param work - the work; receives the session (`dispatcher`, `cookieJar`, `browserProxy`) and should pass
 *   `signal` on itself
 * @param options - see {@link SessionRotationOptions}
 * @returns what `work` returns
 * @throws {@link SourceBlockedError} (kind `blocked`, with `reason` and the last failure as `cause`) when no
 *   session is left: every proxy cools down, or `maxSessionRotations` sessions in a row were retired
 * @throws `CancelledError` (core) when `signal` aborts
 * @throws `InvalidInputError` (core) naming a bad `key`, `signal` or option
 * @example
 * ```ts
 * import type { SessionPool } from '@phx/scrapers';
 * import { request } from 'undici';
 * declare const pool: SessionPool, propertyId: string, url: string, signal: AbortSignal;
 * const html = await runWithSessionRotation(pool, propertyId, signal, async (session) => {
 *   const answer = await request(url, { dispatcher: session.dispatcher, signal });
 *   return answer.body.text();
 * }, { url });
 * ```
 */
export async function runWithSessionRotation<T>(
  pool: SessionPool,
  key: string,
  signal: AbortSignal | undefined,
  work: (session: Session) => Promise<T>,
  options: SessionRotationOptions = {},
): Promise<T> {
  checkSignal(signal, 'runWithSessionRotation signal');
  const { maxSessionRotations, url } = parseInput(sessionRotationOptionsSchema, options, 'runWithSessionRotation options');
  const retired: string[] = [];
  let lastError: unknown;
  for (;;) {
    throwIfCancelled(signal);
    if (retired.length > maxSessionRotations) {
      throw new SourceBlockedError(url, pool.source, pool.nextAvailableAt(), {
        reason: `${retired.length} sessions in a row were blocked or lost their proxy (${retired.join('; ')})`,
        cause: lastError,
      });
    }
    const session = pool.sessionFor(key);
    if (session === null) {
      const tried = retired.length === 0 ? '' : ` after ${retired.join('; ')}`;
      throw new SourceBlockedError(url, pool.source, pool.nextAvailableAt(), {
        reason: `every proxy is set aside for its cool-down${tried}`,
        cause: lastError,
      });
    }
    let result: T;
    try {
      result = await abortable(
        Promise.resolve().then(() => work(session)),
        signal,
      );
    } catch (error) {
      throwIfCancelled(signal);
      if (error instanceof CancelledError) throw error;
      const failure = sessionFailureOf(error, session);
      if (failure === null) throw error;
      if (failure.blocked) session.markBlocked(failure.reason);
      else session.markProxyFailed(failure.reason);
      retired.push(`${session.id} via ${session.proxyUrl ?? 'no proxy'}: ${failure.reason}`);
      lastError = error;
      continue;
    }
    session.markGood();
    return result;
  }
}
