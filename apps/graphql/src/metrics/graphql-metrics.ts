import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Names of the GraphQL server's metrics (Prometheus conventions: seconds, `_total`). */
export const GRAPHQL_METRIC_NAMES = Object.freeze({
  requests: 'graphql_requests_total',
  duration: 'graphql_request_duration_seconds',
  subscriptionsOpen: 'graphql_subscriptions_open',
  connectionsOpen: 'graphql_ws_connections_open',
});

/** Buckets of the request duration histogram, in seconds. */
export const GRAPHQL_DURATION_BUCKETS_SECONDS = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** The `operation` label of requests GraphQL could not resolve to an operation (syntax or validation errors). */
export const INVALID_OPERATION_LABEL = '(invalid)';

/** Stands for a named fragment spread at the root in an `operation` label (fragment names are the client's, so not used). */
export const ROOT_FRAGMENT_LABEL = '(fragment)';

/** How an operation arrived. */
export type GraphqlTransport = 'http' | 'ws';

/** One finished operation, as {@link GraphqlMetrics.observeOperation} records it. */
export interface OperationObservation {
  /** The `operation` label; see {@link operationLabel}. */
  readonly operation: string;
  /** `query`, `mutation`, `subscription`, or `unknown` when it never resolved. */
  readonly type: string;
  /** `http` or `ws`. */
  readonly transport: GraphqlTransport;
  /** `ok` when the result has no errors, else `error`. */
  readonly outcome: 'ok' | 'error';
  /** Time from receipt to response (for a subscription: until it was set up), in ms. */
  readonly durationMs: number;
}

/** Options of {@link GraphqlMetrics}. */
export interface GraphqlMetricsOptions {
  /** Also collect prom-client's process metrics (memory, CPU, event loop); default `true`. */
  readonly processMetrics?: boolean;
}

/**
 * The GraphQL server's Prometheus metrics, in a registry of its own (so
 * several servers can live in one process): requests by operation, type,
 * transport and outcome; their latencies; subscriptions open now.
 *
 * @example
 * ```ts
 * const metrics = new GraphqlMetrics();
 * metrics.observeOperation({ operation: 'jobs', type: 'query', transport: 'http', outcome: 'ok', durationMs: 12 });
 * console.log(await metrics.registry.metrics());
 * ```
 */
export class GraphqlMetrics {
  /** The registry to expose at `/metrics`. */
  readonly registry: Registry;
  readonly #requests: Counter<'operation' | 'type' | 'transport' | 'outcome'>;
  readonly #duration: Histogram<'operation' | 'type' | 'transport'>;
  readonly #subscriptions: Gauge;
  #countConnections: () => number = () => 0;

  /**
   * @param options - whether to collect process metrics
   */
  constructor(options: GraphqlMetricsOptions = {}) {
    this.registry = new Registry();
    const registers = [this.registry];
    this.#requests = new Counter({
      name: GRAPHQL_METRIC_NAMES.requests,
      help: 'GraphQL operations answered, by root fields (operation), type, transport and outcome',
      labelNames: ['operation', 'type', 'transport', 'outcome'],
      registers,
    });
    this.#duration = new Histogram({
      name: GRAPHQL_METRIC_NAMES.duration,
      help: 'Time to answer a GraphQL operation (a subscription: to set it up), in seconds',
      labelNames: ['operation', 'type', 'transport'],
      buckets: [...GRAPHQL_DURATION_BUCKETS_SECONDS],
      registers,
    });
    this.#subscriptions = new Gauge({
      name: GRAPHQL_METRIC_NAMES.subscriptionsOpen,
      help: 'GraphQL subscriptions open now over graphql-ws',
      registers,
    });
    const countConnections = (): number => this.#countConnections();
    new Gauge({
      name: GRAPHQL_METRIC_NAMES.connectionsOpen,
      help: 'graphql-ws connections whose API key was accepted and that the server still tracks',
      registers,
      collect() {
        this.set(countConnections());
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Counts one answered operation and records its latency.
   *
   * @param observation - labels and duration
   */
  observeOperation(observation: OperationObservation): void {
    const { operation, type, transport } = observation;
    this.#requests.inc({ operation, type, transport, outcome: observation.outcome });
    this.#duration.observe({ operation, type, transport }, observation.durationMs / 1000);
  }

  /** Counts a subscription as open. */
  subscriptionOpened(): void {
    this.#subscriptions.inc();
  }

  /**
   * Sets where the open-connection gauge reads its value at each scrape.
   *
   * @param count - returns the number of accepted graphql-ws connections tracked now
   */
  countConnectionsWith(count: () => number): void {
    this.#countConnections = count;
  }

  /** Counts a subscription as closed. */
  subscriptionClosed(): void {
    this.#subscriptions.dec();
  }

  /**
   * The Apollo plugin that observes every HTTP (and in-process) operation.
   *
   * @returns the plugin
   */
  apolloPlugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const startedAt = performance.now();
        return {
          willSendResponse: async ({ operation, response }) => {
            const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
            this.observeOperation({
              operation: operationLabel(operation),
              type: operation?.operation ?? 'unknown',
              transport: 'http',
              outcome: errors !== undefined && errors.length > 0 ? 'error' : 'ok',
              durationMs: performance.now() - startedAt,
            });
          },
        };
      },
    };
  }
}

/**
 * The `operation` label of an operation: its root field names (not aliases),
 * sorted and joined by commas, e.g. `job` or `jobs,properties`. Root fields
 * come from the schema, so the label's values stay few, whatever operation
 * names clients choose. Inline fragments at the root are looked into; a
 * named fragment spread counts as {@link ROOT_FRAGMENT_LABEL}.
 *
 * @param operation - the resolved operation, or `undefined` when it did not resolve
 * @returns the label, {@link INVALID_OPERATION_LABEL} when there is no operation
 */
export function operationLabel(operation: OperationDefinitionNode | undefined | null): string {
  if (operation === undefined || operation === null) return INVALID_OPERATION_LABEL;
  const names = new Set<string>();
  collectRootNames(operation.selectionSet, names);
  return [...names].sort().join(',') || INVALID_OPERATION_LABEL;
}

function collectRootNames(selectionSet: SelectionSetNode, names: Set<string>): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectRootNames(selection.selectionSet, names);
    else names.add(ROOT_FRAGMENT_LABEL);
  }
}
