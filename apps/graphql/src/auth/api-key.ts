import type { ApiKeyRecord, ApiKeyRole } from '@phx/jobs';

export { API_KEY_ROLES, API_KEYS_COLLECTION, hashApiKey } from '@phx/jobs';
export type { ApiKeyRole } from '@phx/jobs';

/**
 * An API key document as stored in the `api_keys` collection: the shape
 * `ApiKeyRepository` of `@phx/jobs` writes and reads (the key itself is
 * never stored, only its SHA-256).
 */
export type ApiKeyDocument = ApiKeyRecord;

/** Who is calling: a verified key, or the dev-mode stand-in. */
export interface ApiPrincipal {
  /** Key id, or `dev-mode` when the server runs in dev mode and no key was given. */
  readonly keyId: string;
  /** Key name, or `dev-mode`. */
  readonly name: string;
  /** What it may do. */
  readonly role: ApiKeyRole;
}
