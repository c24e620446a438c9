import { createHash, randomBytes } from 'node:crypto';

/** Roles an API key can have: `read` may query and subscribe; `admin` may also mutate. */
export const API_KEY_ROLES = Object.freeze(['read', 'admin'] as const);

/** One of {@link API_KEY_ROLES}. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** The MongoDB collection of API keys (written by the `phx-apikey` CLI, read by the GraphQL server). */
export const API_KEYS_COLLECTION = 'api_keys';

/** Longest API key name, in characters. */
export const MAX_API_KEY_NAME_LENGTH = 100;

/**
 * An API key as stored in {@link API_KEYS_COLLECTION}: never the key itself,
 * only its SHA-256. The one definition of the stored shape, shared by the CLI
 * that writes keys and the server that checks them.
 */
export interface ApiKeyRecord {
  /** Key id (a UUID), shown by `list` and used by `revoke`; not secret. */
  readonly id: string;
  /** Human name, e.g. `grafana` or `demo`. */
  readonly name: string;
  /** What the key may do. */
  readonly role: ApiKeyRole;
  /** Lower-case hex SHA-256 of the whole key string ({@link hashApiKey}). */
  readonly keyHash: string;
  /** When the key was made. */
  readonly createdAt: Date;
  /** When the key was revoked; `null` while it is valid. */
  readonly revokedAt: Date | null;
}

/** A key just made: the only time the secret is known. */
export interface CreatedApiKey {
  /** The secret: `phx_` and 43 base64url characters (32 random bytes). */
  readonly key: string;
  /** What was stored. */
  readonly record: ApiKeyRecord;
}

/** What a presented key turns out to be. */
export type ApiKeyVerification =
  | { readonly status: 'valid'; readonly record: ApiKeyRecord }
  | { readonly status: 'unknown' }
  | { readonly status: 'revoked'; readonly keyId: string; readonly revokedAt: Date };

/**
 * Hashes an API key the way it is stored.
 *
 * @param key - the key as the client sent it
 * @returns lower-case hex SHA-256 of its UTF-8 bytes
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Makes a new random key.
 *
 * @returns `phx_` followed by 32 random bytes in base64url (43 characters)
 */
export function generateApiKey(): string {
  return `phx_${randomBytes(32).toString('base64url')}`;
}
