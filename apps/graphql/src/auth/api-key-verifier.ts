import { ApiKeyRepository, type ApiKeyVerification } from '@phx/jobs';
import type { Db } from 'mongodb';
import type { ApiPrincipal } from './api-key.js';

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
   * Looks a key up by its id: how a browser session (which keeps the key id,
   * never the key) is checked again on each use, so revoking a key ends its sessions.
   *
   * @param keyId - the key id
   * @returns valid with its principal, unknown, or revoked
   */
  checkId(keyId: string): Promise<ApiKeyCheck>;
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

/** Reads the `api_keys` collection of MongoDB through `ApiKeyRepository`; one indexed lookup per check. */
export class MongoApiKeyVerifier implements ApiKeyVerifier {
  readonly #keys: ApiKeyRepository;

  /**
   * @param options - the database
   */
  constructor(options: MongoApiKeyVerifierOptions) {
    this.#keys = new ApiKeyRepository({ db: options.db });
  }

  /** {@inheritDoc ApiKeyVerifier.check} */
  async check(key: string): Promise<ApiKeyCheck> {
    return toCheck(await this.#keys.verify(key));
  }

  /** {@inheritDoc ApiKeyVerifier.checkId} */
  async checkId(keyId: string): Promise<ApiKeyCheck> {
    return toCheck(await this.#keys.verifyId(keyId));
  }

  /** {@inheritDoc ApiKeyVerifier.stillValid} */
  stillValid(keyIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.#keys.stillValid(keyIds);
  }
}

function toCheck(found: ApiKeyVerification): ApiKeyCheck {
  if (found.status !== 'valid') return found;
  return { status: 'valid', principal: { keyId: found.record.id, name: found.record.name, role: found.record.role } };
}
