import { createHash } from 'node:crypto';

/** Roles an API key can have: `read` may query and subscribe; `admin` may also mutate. */
export const API_KEY_ROLES = Object.freeze(['read', 'admin'] as const);

/** One of {@link API_KEY_ROLES}. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** The MongoDB collection holding API keys (written by the `phx-apikey` CLI of tools). */
export const API_KEYS_COLLECTION = 'api_keys';

/**
 * An API key document as stored in {@link API_KEYS_COLLECTION}. The key
 * itself is never stored: only its SHA-256.
 */
export interface ApiKeyDocument {
  /** Key id (a UUID), shown by `list` and used by `revoke`; not secret. */
  readonly id: string;
  /** Human name, e.g. `grafana` or `demo`. */
  readonly name: string;
  /** What the key may do. */
  readonly role: ApiKeyRole;
  /** Lower-case hex SHA-256 of the whole key string. */
  readonly keyHash: string;
  /** When the key was made. */
  readonly createdAt: Date;
  /** When the key was revoked; `null` while it is valid. */
  readonly revokedAt: Date | null;
}

/** Who is calling: a verified key, or the dev-mode stand-in. */
export interface ApiPrincipal {
  /** Key id, or `dev-mode` when the server runs in dev mode and no key was given. */
  readonly keyId: string;
  /** Key name, or `dev-mode`. */
  readonly name: string;
  /** What it may do. */
  readonly role: ApiKeyRole;
}

/**
 * Hashes an API key the way it is stored.
 *
 * @param key - the key as the client sent it
 * @returns lower-case hex SHA-256 of its UTF-8 bytes
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
