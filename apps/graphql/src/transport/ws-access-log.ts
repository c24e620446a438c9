import type { Logger as PinoLogger } from 'pino';
import type { WsAccess, WsContext } from '../auth/ws-access.js';
import { describeGraphqlOperation, requestIdOf } from '../http/access-log.middleware.js';

/** What the log knows of an accepted connection. */
interface OpenConnection {
  readonly connId: string;
  readonly keyId: string;
  readonly openedAt: number;
}

/**
 * Adds the WebSocket side of the access log to the graphql-ws access hooks:
 * a line when a connection is accepted (`ws connection opened`: `connId`, the
 * upgrade request's `X-Request-Id` when sane, else a UUID; `keyId`), one per
 * subscribe (`ws subscribe`: `subscriptionId`, `operationName`,
 * `operationType`, `refused` when the key's role may not run it) and one when
 * an accepted connection closes (`ws connection closed`, with `durationMs`).
 * Refused connections are logged by the access rules themselves. Nothing a
 * client sent but the operation's name is logged: no key, cookie or variables.
 *
 * @param access - the access hooks to decorate (the result behaves the same)
 * @param logger - the access log's pino logger (a child with `component: 'ws'` is made)
 * @returns the decorated hooks
 */
export function withWsAccessLog(access: WsAccess, logger: PinoLogger): WsAccess {
  const log = logger.child({ component: 'ws' });
  const open = new WeakMap<WsContext, OpenConnection>();
  return {
    async onConnect(ctx) {
      const accepted = await access.onConnect(ctx);
      if (accepted) {
        const connection = { connId: requestIdOf(ctx.extra.request), keyId: access.principalOf(ctx).keyId, openedAt: Date.now() };
        open.set(ctx, connection);
        log.info({ connId: connection.connId, keyId: connection.keyId }, 'ws connection opened');
      }
      return accepted;
    },
    onSubscribe(ctx, id, payload) {
      const refused = access.onSubscribe(ctx, id, payload);
      const connection = open.get(ctx);
      log.info(
        {
          connId: connection?.connId,
          keyId: connection?.keyId,
          subscriptionId: id,
          ...describeGraphqlOperation(payload.query, payload.operationName),
          ...(refused === undefined ? {} : { refused: true }),
        },
        'ws subscribe',
      );
      return refused;
    },
    principalOf: (ctx) => access.principalOf(ctx),
    onClose(ctx) {
      access.onClose(ctx);
      const connection = open.get(ctx);
      if (connection === undefined) return;
      open.delete(ctx);
      log.info(
        { connId: connection.connId, keyId: connection.keyId, durationMs: Date.now() - connection.openedAt },
        'ws connection closed',
      );
    },
    recheck: () => access.recheck(),
    dispose: () => access.dispose(),
    get connectionCount() {
      return access.connectionCount;
    },
  };
}
