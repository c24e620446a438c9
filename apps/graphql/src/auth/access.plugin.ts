import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { AccessError } from './access-error.js';
import type { AccessGuard } from './access-guard.js';

/**
 * Makes the Apollo plugin that checks, once the operation is known, that the
 * caller's key may run it (a mutation needs an admin key): otherwise the
 * request ends with `FORBIDDEN` and HTTP 403 before any resolver runs.
 *
 * @param guard - the access rules
 * @returns the plugin
 */
export function createAccessPlugin(guard: AccessGuard): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (operation === undefined) return;
          try {
            guard.authorizeOperation(contextValue.principal, operation.operation);
          } catch (error) {
            if (!(error instanceof AccessError)) throw error;
            throw new GraphQLError(error.message, { originalError: error, extensions: { http: { status: error.httpStatus } } });
          }
        },
      };
    },
  };
}
