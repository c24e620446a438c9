import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type ExecutionResult } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { closeEndsSession, shouldRetrySocket, socketRetryWaitMs } from '../lib/socket-retry.js';
import { isForbidden, isUnauthenticated } from './api-error.js';

/** What {@link createApiClient} needs. */
export interface ApiClientOptions {
  /**
   * Called when any operation answers 401 or UNAUTHENTICATED, or the subscription socket is closed with 4401/4403
   * (the session expired or its key was revoked).
   */
  readonly onUnauthenticated: () => void;
  /** Called when any operation answers 403 or FORBIDDEN (the session's key may have changed in another tab). */
  readonly onForbidden: () => void;
}

/** An urql client and the graphql-ws connection it owns; `close` ends the socket. */
export interface ApiClient {
  readonly client: Client;
  close(): void;
}

/**
 * Creates the console's GraphQL client: queries and mutations over HTTP POST /graphql, subscriptions over
 * graphql-ws on the same path (reconnecting for ever with backoff), both authenticated by the same-origin session cookie.
 *
 * @param options - see {@link ApiClientOptions}
 * @returns the client and its closer
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const wsUrl = new URL('/graphql', window.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  // A server restart must not end live progress: reconnect for ever with backoff; 4401/4403 end the session instead.
  const ws = createWsClient({
    url: wsUrl.href,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: shouldRetrySocket,
    retryWait: (retries) => new Promise((resolve) => window.setTimeout(resolve, socketRetryWaitMs(retries))),
    on: {
      closed(event) {
        if (closeEndsSession(event)) options.onUnauthenticated();
      },
    },
  });
  const client = new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin' },
    preferGetMethod: false,
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) options.onUnauthenticated();
          else if (isForbidden(error)) options.onForbidden();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, {
                next: (result) => sink.next(result as ExecutionResult),
                error: (error) => sink.error(error),
                complete: () => sink.complete(),
              });
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, close: () => void ws.dispose() };
}
