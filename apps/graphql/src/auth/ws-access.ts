import type { Logger } from '@phx/core';
import { getOperationAST, GraphQLError, parse, type DocumentNode } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { isDatabaseUnavailableError, WS_TRY_AGAIN_LATER_CLOSE_CODE } from '../errors/graphql-error-mapping.js';
import { AccessError } from './access-error.js';
import { credentialFromConnectionParams, type AccessGuard } from './access-guard.js';
import type { ApiPrincipal } from './api-key.js';
import type { RequestAuthenticator } from './request-authenticator.js';

/** WebSocket close code for a connection refused or ended for its key (graphql-ws uses 4401 for "Unauthorized"). */
export const WS_UNAUTHORIZED_CLOSE_CODE = 4401;

/** WebSocket close code for a connection refused because the session cookie came from a page of a foreign origin (cross-site WebSocket hijacking). */
export const WS_FORBIDDEN_CLOSE_CODE = 4403;

/**
 * WebSocket close code for a socket over a limit (too many subscriptions on
 * it, too many sockets of its key): graphql-ws's "too many requests" code,
 * which its client does not retry.
 */
export const WS_TOO_MANY_CLOSE_CODE = 4429;

/** A graphql-ws connection context on the `ws` transport. */
export type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/** Options of {@link createWsAccess}. */
export interface WsAccessOptions {
  /** The access rules. Borrowed. */
  readonly guard: AccessGuard;
  /** Reads the credential: the `connection_init` key, else the upgrade request's session cookie (origin-checked). Borrowed. */
  readonly authenticator: RequestAuthenticator;
  /** How often open connections' keys are checked for revocation, in ms (> 0). */
  readonly keyRecheckIntervalMs: number;
  /** Most subscriptions (operations in flight) on one socket (≥ 1); one more closes it with {@link WS_TOO_MANY_CLOSE_CODE}. */
  readonly maxSubscriptionsPerSocket: number;
  /** Most accepted sockets of one API key at once (≥ 1); one more is closed with {@link WS_TOO_MANY_CLOSE_CODE}. */
  readonly maxSocketsPerApiKey: number;
  /** Logs refused connections and closed ones. */
  readonly logger: Logger;
}

/** The graphql-ws hooks that apply the access rules, and the revocation check loop. */
export interface WsAccess {
  /**
   * `onConnect`: checks the key of `connection_init` (else the session
   * cookie of the upgrade request); a bad one closes the socket with
   * {@link WS_UNAUTHORIZED_CLOSE_CODE} and a short reason, the cookie from a
   * page of a foreign origin with {@link WS_FORBIDDEN_CLOSE_CODE}, a
   * database outage with 1013 (try again later), a key already at its
   * socket limit with {@link WS_TOO_MANY_CLOSE_CODE}. A socket that closed
   * while its key was checked is not kept.
   *
   * @returns `true` when accepted
   */
  onConnect(ctx: WsContext): Promise<boolean>;
  /**
   * `onSubscribe`: refuses operations the key's role may not run, and
   * closes the socket with {@link WS_TOO_MANY_CLOSE_CODE} when it would hold
   * more than `maxSubscriptionsPerSocket` operations.
   *
   * @returns a `FORBIDDEN` error, or `undefined` to go on
   */
  onSubscribe(ctx: WsContext, id: string, payload: SubscribePayload): readonly GraphQLError[] | undefined;
  /**
   * The principal of an accepted connection (graphql-ws runs operations on
   * accepted connections only).
   */
  principalOf(ctx: WsContext): ApiPrincipal;
  /** `onClose`: forgets the connection. */
  onClose(ctx: WsContext): void;
  /** Checks every open connection's key now and closes those revoked; the loop calls it. */
  recheck(): Promise<void>;
  /** Stops the loop. */
  dispose(): void;
  /** How many accepted connections are tracked now (for the `graphql_ws_connections_open` gauge). */
  readonly connectionCount: number;
}

/**
 * Makes the access hooks of the graphql-ws endpoint: the key travels in the
 * `connection_init` payload (`authorization: "Bearer <key>"` or `apiKey`)
 * or, from a browser, the `phx_session` cookie comes on the upgrade request
 * (allowed only from pages of the server's origin or `CORS_ORIGINS`),
 * read keys may subscribe and query, only admin keys mutate, and every
 * `keyRecheckIntervalMs` the keys of open connections are read again: a
 * connection whose key was revoked is closed (4401, `API key revoked`), as
 * is one opened on a session that has since ended (4401, `Session ended`).
 *
 * @param options - guard, recheck interval, logger
 * @returns the hooks; `dispose()` them with the server
 */
export function createWsAccess(options: WsAccessOptions): WsAccess {
  const { guard, logger } = options;
  const principals = new Map<WsContext, ApiPrincipal>();
  /** The session token of each connection accepted on the session cookie. */
  const sessionTokens = new Map<WsContext, string>();
  let checking = false;

  const recheck = async (): Promise<void> => {
    if (checking || principals.size === 0) return;
    checking = true;
    try {
      const ids = [...new Set([...principals.values()].map((p) => p.keyId))];
      const valid = await guard.stillValid(ids);
      const liveSessions = await options.authenticator.sessions.liveTokens([...sessionTokens.values()]);
      for (const [ctx, principal] of principals) {
        const token = sessionTokens.get(ctx);
        const reason = !valid.has(principal.keyId)
          ? 'API key revoked'
          : token !== undefined && !liveSessions.has(token)
            ? 'Session ended'
            : null;
        if (reason === null) continue;
        principals.delete(ctx);
        sessionTokens.delete(ctx);
        logger.info({ keyId: principal.keyId, reason }, 'graphql-ws connection closed: credential no longer valid');
        ctx.extra.socket.close(WS_UNAUTHORIZED_CLOSE_CODE, reason);
      }
    } catch (error) {
      // Keep connections through a database outage; the next round checks again.
      logger.warn({ err: error }, 'graphql-ws API key recheck failed');
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void recheck(), options.keyRecheckIntervalMs);
  timer.unref();

  return {
    async onConnect(ctx) {
      try {
        const { principal, sessionToken } = await options.authenticator.authenticate(
          ctx.extra.request,
          credentialFromConnectionParams(ctx.connectionParams),
        );
        // Closed during the check: its onClose has run already, so keeping it would keep it forever.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false;
        if (socketsOf(principals, principal.keyId) >= options.maxSocketsPerApiKey) {
          logger.warn(
            { keyId: principal.keyId, maxSocketsPerApiKey: options.maxSocketsPerApiKey },
            'graphql-ws connection refused: too many sockets for the key',
          );
          ctx.extra.socket.close(WS_TOO_MANY_CLOSE_CODE, `Too many sockets for this API key (limit ${options.maxSocketsPerApiKey})`);
          return false;
        }
        principals.set(ctx, principal);
        if (sessionToken !== undefined) sessionTokens.set(ctx, sessionToken);
        return true;
      } catch (error) {
        if (isDatabaseUnavailableError(error)) {
          logger.warn({ err: error }, 'graphql-ws connection refused: database unreachable');
          ctx.extra.socket.close(WS_TRY_AGAIN_LATER_CLOSE_CODE, 'Database unavailable; try again later');
          return false;
        }
        if (!(error instanceof AccessError)) throw error;
        logger.info({ reason: error.brief }, 'graphql-ws connection refused');
        ctx.extra.socket.close(error.code === 'FORBIDDEN' ? WS_FORBIDDEN_CLOSE_CODE : WS_UNAUTHORIZED_CLOSE_CODE, error.brief);
        return false;
      }
    },
    onSubscribe(ctx, _id, payload) {
      // graphql-ws has reserved this operation's id already: it is counted.
      if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerSocket) {
        logger.warn(
          { keyId: principals.get(ctx)?.keyId, maxSubscriptionsPerSocket: options.maxSubscriptionsPerSocket },
          'graphql-ws socket closed: too many subscriptions',
        );
        ctx.extra.socket.close(
          WS_TOO_MANY_CLOSE_CODE,
          `Too many subscriptions on this socket (limit ${options.maxSubscriptionsPerSocket})`,
        );
        return [new GraphQLError(`Too many subscriptions on this socket (limit ${options.maxSubscriptionsPerSocket})`)];
      }
      const principal = principals.get(ctx);
      const document = tryParse(payload.query);
      // Unparseable or ambiguous documents are answered by graphql-ws's own parse and validation.
      const operation = document === undefined ? null : getOperationAST(document, payload.operationName);
      if (principal === undefined || operation === null || operation === undefined) return undefined;
      try {
        guard.authorizeOperation(principal, operation.operation);
        return undefined;
      } catch (error) {
        if (!(error instanceof AccessError)) throw error;
        return [new GraphQLError(error.message, { originalError: error })];
      }
    },
    principalOf(ctx) {
      const principal = principals.get(ctx);
      if (principal === undefined) throw new Error('graphql-ws operation on a connection that was not accepted');
      return principal;
    },
    onClose(ctx) {
      principals.delete(ctx);
      sessionTokens.delete(ctx);
    },
    recheck,
    get connectionCount() {
      return principals.size;
    },
    dispose() {
      clearInterval(timer);
      principals.clear();
      sessionTokens.clear();
    },
  };
}

function socketsOf(principals: ReadonlyMap<WsContext, ApiPrincipal>, keyId: string): number {
  let count = 0;
  for (const principal of principals.values()) if (principal.keyId === keyId) count += 1;
  return count;
}

function tryParse(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}
