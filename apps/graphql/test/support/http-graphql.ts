import type { GraphQLFormattedError } from 'graphql';

/** A GraphQL response read over HTTP. */
export interface HttpGraphqlResponse<T> {
  /** HTTP status. */
  readonly status: number;
  /** The parsed body. */
  readonly body: { readonly data?: T | null; readonly errors?: readonly GraphQLFormattedError[] };
}

/**
 * POSTs an operation as JSON, as a browser or script would.
 *
 * @param url - the endpoint
 * @param query - the operation
 * @param variables - its variables
 * @param authorization - the Authorization header (`Bearer <key>`); none when absent
 * @returns status and parsed body
 */
export async function postGraphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  authorization?: string,
): Promise<HttpGraphqlResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as HttpGraphqlResponse<T>['body'] };
}
