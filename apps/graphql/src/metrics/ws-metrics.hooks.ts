import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { operationLabel, type GraphqlMetrics } from './graphql-metrics.js';

/** The graphql-ws hooks that feed {@link GraphqlMetrics}; each takes the connection context as a key. */
export interface WsMetricsHooks {
  /** `onSubscribe`: notes when the operation arrived. */
  onSubscribe(ctx: object, id: string): void;
  /** `onOperation`: counts the operation; a subscription is counted as open until `onComplete`. */
  onOperation(ctx: object, id: string, args: ExecutionArgs, result: OperationResult): void;
  /** `onComplete` (also called when the socket closes under a subscription): counts it closed. */
  onComplete(ctx: object, id: string): void;
}

/**
 * Makes the graphql-ws hooks that count operations over WebSocket and keep
 * the open-subscription gauge.
 *
 * @param metrics - where to record
 * @returns the hooks
 */
export function createWsMetricsHooks(metrics: GraphqlMetrics): WsMetricsHooks {
  const operations = new WeakMap<object, Map<string, { startedAt: number; open: boolean }>>();
  const of = (ctx: object): Map<string, { startedAt: number; open: boolean }> => {
    let map = operations.get(ctx);
    if (map === undefined) operations.set(ctx, (map = new Map()));
    return map;
  };
  return {
    onSubscribe(ctx, id) {
      of(ctx).set(id, { startedAt: performance.now(), open: false });
    },
    onOperation(ctx, id, args, result) {
      const entry = of(ctx).get(id);
      const operation = getOperationAST(args.document, args.operationName);
      const streaming = typeof (result as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
      const errors = streaming ? undefined : (result as { errors?: readonly unknown[] }).errors;
      metrics.observeOperation({
        operation: operationLabel(operation),
        type: operation?.operation ?? 'unknown',
        transport: 'ws',
        outcome: errors !== undefined && errors.length > 0 ? 'error' : 'ok',
        durationMs: entry === undefined ? 0 : performance.now() - entry.startedAt,
      });
      if (streaming && entry !== undefined) {
        entry.open = true;
        metrics.subscriptionOpened();
      }
    },
    onComplete(ctx, id) {
      const map = of(ctx);
      if (map.get(id)?.open === true) metrics.subscriptionClosed();
      map.delete(id);
    },
  };
}
