import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A GraphQL error as the server sent it. */
export interface GraphqlErrorPayload {
  /** Message. */
  readonly message: string;
  /** `extensions.code` and the rest. */
  readonly extensions?: { readonly code?: string } & Record<string, unknown>;
}

/** A GraphQL request failed: HTTP error or `errors` in the response. */
export class GraphqlRequestError extends Error {
  /** The errors the server returned (empty for a transport failure). */
  readonly errors: readonly GraphqlErrorPayload[];

  /**
   * @param message - summary
   * @param errors - the server's errors
   */
  constructor(message: string, errors: readonly GraphqlErrorPayload[]) {
    super(message);
    this.name = 'GraphqlRequestError';
    this.errors = errors;
  }
}

/**
 * A small client for the phx GraphQL API: queries and mutations over HTTP
 * POST, subscriptions over graphql-ws on the same URL.
 */
export class PhxGraphqlClient {
  readonly #httpUrl: string;
  readonly #ws: Client;

  /**
   * @param httpUrl - the API URL, e.g. `http://127.0.0.1:4000/graphql`
   * @param headers - extra HTTP headers (and `connection_init` payload), e.g. an API key
   */
  constructor(
    httpUrl: string,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {
    this.#httpUrl = httpUrl;
    this.#ws = createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { ...headers },
      lazy: true,
      retryAttempts: 3,
    });
  }

  /**
   * Runs a query or mutation over HTTP.
   *
   * @param query - the operation text
   * @param variables - its variables
   * @returns the `data` object
   * @throws {@link GraphqlRequestError} when the server answers with errors or a non-JSON body
   */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.#httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: { data?: T; errors?: GraphqlErrorPayload[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new GraphqlRequestError(`HTTP ${response.status} from ${this.#httpUrl}: ${text.slice(0, 200)}`, []);
    }
    if (body.errors !== undefined && body.errors.length > 0) {
      const codes = body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ');
      throw new GraphqlRequestError(codes, body.errors);
    }
    if (body.data === undefined) throw new GraphqlRequestError(`No data in the response: ${text.slice(0, 200)}`, []);
    return body.data;
  }

  /**
   * Subscribes over graphql-ws and yields each `data` payload until the
   * server completes the subscription.
   *
   * @param query - the subscription text
   * @param variables - its variables
   * @returns an async iterable of payloads
   * @throws {@link GraphqlRequestError} when the server sends errors
   */
  async *subscribe<T>(query: string, variables: Record<string, unknown> = {}): AsyncGenerator<T> {
    const iterator = this.#ws.iterate<T>({ query, variables });
    for await (const result of iterator) {
      if (result.errors !== undefined && result.errors.length > 0) {
        throw new GraphqlRequestError(result.errors.map((e) => e.message).join('; '), result.errors as GraphqlErrorPayload[]);
      }
      if (result.data !== undefined && result.data !== null) yield result.data;
    }
  }

  /** Closes the WebSocket. */
  async close(): Promise<void> {
    await this.#ws.dispose();
  }
}
