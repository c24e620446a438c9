import { randomUUID } from 'node:crypto';
import { NotFoundError, assertWithinLimits, limitIssue } from '@phx/core';
import type { Collection, Db } from 'mongodb';
import { API_KEYS_COLLECTION, MAX_API_KEY_NAME_LENGTH, generateApiKey, hashApiKey } from './api-key.js';
import type { ApiKeyRecord, ApiKeyRole, ApiKeyVerification, CreatedApiKey } from './api-key.js';

/** Options of {@link ApiKeyRepository}. */
export interface ApiKeyRepositoryOptions {
  /** The database (borrowed). */
  readonly db: Db;
  /** Clock of `createdAt` and `revokedAt`; default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * The API keys of the GraphQL API in MongoDB (`api_keys`): created, listed
 * and revoked by the `phx-apikey` CLI, verified by the server. Keys are
 * random (32 bytes), shown once, and stored as SHA-256 only. Every method is
 * safe to call from several processes at once.
 *
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * const keys = new ApiKeyRepository({ db });
 * await keys.ensureIndexes();
 * const { key, record } = await keys.create({ name: 'grafana', role: 'read' });
 * (await keys.verify(key)).status; // 'valid'
 * await keys.revoke(record.id);
 * ```
 */
export class ApiKeyRepository {
  readonly #keys: Collection<ApiKeyRecord>;
  readonly #now: () => Date;

  /**
   * @param options - database and clock
   */
  constructor(options: ApiKeyRepositoryOptions) {
    this.#keys = options.db.collection<ApiKeyRecord>(API_KEYS_COLLECTION);
    this.#now = options.now ?? (() => new Date());
  }

  /** Creates the unique indexes on `id` and `keyHash`. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.#keys.createIndex({ id: 1 }, { unique: true, name: 'id_unique' });
    await this.#keys.createIndex({ keyHash: 1 }, { unique: true, name: 'keyHash_unique' });
  }

  /**
   * Makes a key and stores its hash.
   *
   * @param request - name (at most {@link MAX_API_KEY_NAME_LENGTH} characters) and role
   * @returns the key (shown once) and its record
   * @throws core's `InputTooLongError` (`BAD_USER_INPUT`) for a name over {@link MAX_API_KEY_NAME_LENGTH} characters, before anything is written
   */
  async create(request: { readonly name: string; readonly role: ApiKeyRole }): Promise<CreatedApiKey> {
    assertWithinLimits('API key', [limitIssue('name', request.name, MAX_API_KEY_NAME_LENGTH)]);
    const key = generateApiKey();
    const record: ApiKeyRecord = {
      id: randomUUID(),
      name: request.name,
      role: request.role,
      keyHash: hashApiKey(key),
      createdAt: this.#now(),
      revokedAt: null,
    };
    await this.#keys.insertOne({ ...record });
    return { key, record };
  }

  /**
   * Lists every key, oldest first (revoked ones too).
   *
   * @returns the records
   */
  async list(): Promise<ApiKeyRecord[]> {
    const docs = await this.#keys
      .find({}, { projection: { _id: 0 } })
      .sort({ createdAt: 1, id: 1 })
      .toArray();
    return docs.map(toRecord);
  }

  /**
   * Revokes a key: requests with it are refused at once, its open
   * subscriptions are closed at the server's next check. Revoking a revoked
   * key keeps its first revocation date.
   *
   * @param id - the key id
   * @returns the record after revocation
   * @throws core's `NotFoundError` when no key has this id
   */
  async revoke(id: string): Promise<ApiKeyRecord> {
    await this.#keys.updateOne({ id, revokedAt: null }, { $set: { revokedAt: this.#now() } });
    const doc = await this.#keys.findOne({ id }, { projection: { _id: 0 } });
    if (doc === null) throw new NotFoundError('API key', id, { where: `the ${API_KEYS_COLLECTION} collection` });
    return toRecord(doc);
  }

  /**
   * Looks a presented key up by its hash (one indexed read, no side effect).
   *
   * @param key - the key as sent (without `Bearer `)
   * @returns valid with its record, unknown, or revoked
   */
  async verify(key: string): Promise<ApiKeyVerification> {
    const doc = await this.#keys.findOne({ keyHash: hashApiKey(key) }, { projection: { _id: 0 } });
    return verificationOf(doc);
  }

  /**
   * Looks a key up by its id (one indexed read, no side effect): how a
   * browser session, which keeps the key id and never the key, is checked
   * again on each use.
   *
   * @param id - the key id (a UUID)
   * @returns valid with its record, unknown, or revoked
   */
  async verifyId(id: string): Promise<ApiKeyVerification> {
    const doc = await this.#keys.findOne({ id }, { projection: { _id: 0 } });
    return verificationOf(doc);
  }

  /**
   * Tells which keys are still valid (exist and are not revoked).
   *
   * @param keyIds - key ids to check
   * @returns the subset that is still valid
   */
  async stillValid(keyIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (keyIds.length === 0) return new Set();
    const docs = await this.#keys.find({ id: { $in: [...keyIds] }, revokedAt: null }, { projection: { id: 1 } }).toArray();
    return new Set(docs.map((d) => d.id));
  }
}

function verificationOf(doc: ApiKeyRecord | null): ApiKeyVerification {
  if (doc === null) return { status: 'unknown' };
  if (doc.revokedAt !== null && doc.revokedAt !== undefined) return { status: 'revoked', keyId: doc.id, revokedAt: doc.revokedAt };
  return { status: 'valid', record: toRecord(doc) };
}

function toRecord(doc: ApiKeyRecord): ApiKeyRecord {
  return { id: doc.id, name: doc.name, role: doc.role, keyHash: doc.keyHash, createdAt: doc.createdAt, revokedAt: doc.revokedAt ?? null };
}
