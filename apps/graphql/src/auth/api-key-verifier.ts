import type { Db } from 'mongodb';
import { API_KEYS_COLLECTION, hashApiKey, type ApiKeyDocument, type ApiPrincipal } from './api-key.js';

/** What the server learns about a presented key. */
export type ApiKeyCheck =
  | { readonly status: 'valid'; readonly principal: ApiPrincipal }
  | { readonly status: 'unknown' }
  | { readonly status: 'revoked'; readonly keyId: string; readonly revokedAt: Date };

/**
 * Reads API keys: the only thing the server does with them (the `phx-apikey`
 * CLI creates, lists and revokes them). Implementations must be safe to call
 * concurrently and have no side effects.
 */
export interface ApiKeyVerifier {
  /**
   * Looks a presented key up by its hash.
   *
   * @param key - the key as sent (without `Bearer `)
   * @returns valid with its principal, unknown, or revoked
   */
  check(key: string): Promise<ApiKeyCheck>;
  /**
   * Tells whether a key is still valid (exists and is not revoked); used to
   * close subscriptions whose key was revoked.
   *
   * @param keyIds - key ids to check
   * @returns the subset that is still valid
   */
  stillValid(keyIds: readonly string[]): Promise<ReadonlySet<string>>;
}

/** Options of {@link MongoApiKeyVerifier}. */
export interface MongoApiKeyVerifierOptions {
  /** The database holding the `api_keys` collection. Borrowed. */
  readonly db: Db;
}

/** Reads the `api_keys` collection of MongoDB; one indexed lookup per check. */
export class MongoApiKeyVerifier implements ApiKeyVerifier {
  readonly #db: Db;

  /**
   * @param options - the database
   */
  constructor(options: MongoApiKeyVerifierOptions) {
    this.#db = options.db;
  }

  /** {@inheritDoc ApiKeyVerifier.check} */
  async check(key: string): Promise<ApiKeyCheck> {
    const doc = await this.#db.collection<ApiKeyDocument>(API_KEYS_COLLECTION).findOne({ keyHash: hashApiKey(key) });
    if (doc === null) return { status: 'unknown' };
    if (doc.revokedAt !== null && doc.revokedAt !== undefined) {
      return { status: 'revoked', keyId: doc.id, revokedAt: doc.revokedAt };
    }
    return { status: 'valid', principal: { keyId: doc.id, name: doc.name, role: doc.role } };
  }

  /** {@inheritDoc ApiKeyVerifier.stillValid} */
  async stillValid(keyIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (keyIds.length === 0) return new Set();
    const docs = await this.#db
      .collection<ApiKeyDocument>(API_KEYS_COLLECTION)
      .find({ id: { $in: [...keyIds] }, revokedAt: null }, { projection: { id: 1 } })
      .toArray();
    return new Set(docs.map((d) => d.id));
  }
}
