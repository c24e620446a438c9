import type { CombinedError } from '@urql/core';

/**
 * Whether an API error means the session is gone: HTTP 401 or a GraphQL UNAUTHENTICATED error.
 *
 * @param error - an urql error
 * @returns true when the person must sign in again
 */
export function isUnauthenticated(error: CombinedError): boolean {
  return hasStatusOrCode(error, 401, 'UNAUTHENTICATED');
}

/**
 * Whether an API error means the key may not do this: HTTP 403 or a GraphQL FORBIDDEN error (e.g. another tab signed in
 * with a read-only key since the buttons were shown); the console then reads the session again.
 *
 * @param error - an urql error
 * @returns true for a refusal by role
 */
export function isForbidden(error: CombinedError): boolean {
  return hasStatusOrCode(error, 403, 'FORBIDDEN');
}

function hasStatusOrCode(error: CombinedError, status: number, code: string): boolean {
  const response: unknown = error.response;
  if (typeof response === 'object' && response !== null && 'status' in response && response.status === status) return true;
  return error.graphQLErrors.some((e) => e.extensions['code'] === code);
}

/**
 * The message to show for an API error: the server's messages (with their code), else the network error's.
 *
 * @param error - an urql error
 * @returns one line per problem
 */
export function apiErrorMessage(error: CombinedError): string {
  if (error.graphQLErrors.length > 0) {
    return error.graphQLErrors
      .map((e) => {
        const code = e.extensions['code'];
        return typeof code === 'string' ? `${e.message} (${code})` : e.message;
      })
      .join('\n');
  }
  return error.networkError?.message ?? error.message;
}
