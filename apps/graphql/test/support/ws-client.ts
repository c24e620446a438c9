import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A graphql-ws client of the server at `url`, sending `authorization` in
 * `connection_init`, that never retries (a test sees the first failure).
 *
 * @param url - the server's `http://…/graphql` URL (the scheme is swapped for `ws:`)
 * @param authorization - `Bearer <key>`
 * @returns the client; `dispose()` it
 */
export function createKeyedWsClient(url: string, authorization: string): Client {
  return createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization } });
}
