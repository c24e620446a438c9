import type { OperationTypeNode } from 'graphql';
import { AccessError } from './access-error.js';
import type { ApiKeyRole, ApiPrincipal } from './api-key.js';
import type { ApiKeyCheck, ApiKeyVerifier } from './api-key-verifier.js';

/** The principal of every keyless request in dev mode: an admin. */
export const DEV_MODE_PRINCIPAL: ApiPrincipal = Object.freeze({ keyId: 'dev-mode', name: 'dev-mode', role: 'admin' });

/** Options of {@link AccessGuard}. */
export interface AccessGuardOptions {
  /** Where keys are looked up. Borrowed. */
  readonly verifier: ApiKeyVerifier;
  /** When `true`, a request without a key acts as {@link DEV_MODE_PRINCIPAL}; a key that is sent is still checked. */
  readonly devMode: boolean;
}

/** The role each operation type needs. */
const ROLE_FOR_OPERATION: Readonly<Record<'query' | 'mutation' | 'subscription', ApiKeyRole>> = Object.freeze({
  query: 'read',
  subscription: 'read',
  mutation: 'admin',
});

/**
 * The access rules of the API, shared by HTTP, graphql-ws, `/images` and
 * `/metrics`: who is calling (a bearer key, checked against the key store)
 * and whether that key may run an operation (read keys query and subscribe,
 * admin keys also mutate).
 */
export class AccessGuard {
  readonly #verifier: ApiKeyVerifier;
  /** Whether keyless requests are let in as admin (never in production). */
  readonly devMode: boolean;

  /**
   * @param options - key store and dev-mode flag
   */
  constructor(options: AccessGuardOptions) {
    this.#verifier = options.verifier;
    this.devMode = options.devMode;
  }

  /**
   * Finds who is calling from an `Authorization` header value (`Bearer <key>`).
   *
   * @param authorization - the header value, or `undefined` when absent
   * @returns the key's principal (or {@link DEV_MODE_PRINCIPAL} for no key in dev mode)
   * @throws {@link AccessError} `UNAUTHENTICATED` for a missing, malformed, unknown or revoked key
   */
  async authenticate(authorization: string | undefined): Promise<ApiPrincipal> {
    if (authorization === undefined || authorization.trim() === '') {
      if (this.devMode) return DEV_MODE_PRINCIPAL;
      throw new AccessError(
        'UNAUTHENTICATED',
        'An API key is required: send "Authorization: Bearer <key>" (over graphql-ws: connection_init payload { authorization: "Bearer <key>" }); create one with `npm run apikey -- create`',
        'API key required',
      );
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match?.[1] === undefined) {
      throw new AccessError('UNAUTHENTICATED', 'The Authorization value is not "Bearer <key>"', 'Authorization is not "Bearer <key>"');
    }
    return principalOf(await this.#verifier.check(match[1]));
  }

  /**
   * Finds who is calling from a key id, as a browser session keeps it: the
   * key is read again, so a key revoked since sign-in is refused.
   *
   * @param keyId - the id of the key the session was opened with
   * @returns the key's principal
   * @throws {@link AccessError} `UNAUTHENTICATED` when the key is gone or revoked
   */
  async authenticateKeyId(keyId: string): Promise<ApiPrincipal> {
    return principalOf(await this.#verifier.checkId(keyId));
  }

  /**
   * Checks that a principal may run an operation of this type.
   *
   * @param principal - who is calling
   * @param operation - `query`, `mutation` or `subscription`
   * @throws {@link AccessError} `FORBIDDEN` when the key's role is not enough (a read key and a mutation)
   */
  authorizeOperation(principal: ApiPrincipal, operation: OperationTypeNode | 'query' | 'mutation' | 'subscription'): void {
    const needed = ROLE_FOR_OPERATION[operation];
    if (needed === 'admin' && principal.role !== 'admin') {
      throw new AccessError(
        'FORBIDDEN',
        `API key ${principal.keyId} (${principal.name}) has role "${principal.role}"; a ${operation} needs an "admin" key`,
        'API key role too low',
      );
    }
  }

  /**
   * Of these key ids, the ones that are still valid (the dev-mode stand-in always is).
   *
   * @param keyIds - ids of keys in use
   * @returns the subset not revoked
   */
  async stillValid(keyIds: readonly string[]): Promise<ReadonlySet<string>> {
    const valid = new Set(await this.#verifier.stillValid(keyIds.filter((id) => id !== DEV_MODE_PRINCIPAL.keyId)));
    if (keyIds.includes(DEV_MODE_PRINCIPAL.keyId)) valid.add(DEV_MODE_PRINCIPAL.keyId);
    return valid;
  }
}

/**
 * Reads the credential from a graphql-ws `connection_init` payload: the
 * `authorization` (or `Authorization`) field, `Bearer <key>`, or a bare
 * `apiKey` field.
 *
 * @param params - the payload, as the client sent it (any shape)
 * @returns an `Authorization`-style value, or `undefined` when none is there
 */
export function credentialFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (params === undefined || params === null) return undefined;
  const header = params['authorization'] ?? params['Authorization'];
  if (typeof header === 'string') return header;
  const apiKey = params['apiKey'];
  if (typeof apiKey === 'string') return `Bearer ${apiKey}`;
  return undefined;
}

function principalOf(check: ApiKeyCheck): ApiPrincipal {
  if (check.status === 'valid') return check.principal;
  if (check.status === 'revoked') {
    throw new AccessError('UNAUTHENTICATED', `API key ${check.keyId} was revoked at ${check.revokedAt.toISOString()}`, 'API key revoked');
  }
  throw new AccessError('UNAUTHENTICATED', 'The API key is not known to this server', 'API key unknown');
}
