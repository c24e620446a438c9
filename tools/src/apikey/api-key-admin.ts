import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError } from '@phx/core';
import type { Collection, Db } from 'mongodb';

/** Roles a key can have: `read` queries and subscribes; `admin` also mutates. */
export const API_KEY_ROLES = Object.freeze(['read', 'admin'] as const);

/** One of {@link API_KEY_ROLES}. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * The collection the GraphQL server reads keys from. The document shape is a
 * contract with `apps/graphql/src/auth/api-key.ts` (the server), checked by
 * this package's CLI test and by the GraphQL end-to-end test, which makes its
 * key with this CLI.
 */
export const API_KEYS_COLLECTION = 'api_keys';

/** A stored key: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  /** Key id (a UUID), not secret. */
  readonly id: string;
  /** Human name. */
  readonly name: string;
  /** What the key may do. */
  readonly role: ApiKeyRole;
  /** Lower-case hex SHA-256 of the key string. */
  readonly keyHash: string;
  /** When it was made. */
  readonly createdAt: Date;
  /** When it was revoked; `null` while valid. */
  readonly revokedAt: Date | null;
}

/** A key just made: the only time the secret is known. */
export interface CreatedApiKey {
  /** The secret: `phx_` and 43 base64url characters (32 random bytes). */
  readonly key: string;
  /** What was stored. */
  readonly record: ApiKeyRecord;
}

/** Options of {@link ApiKeyAdmin}. */
export interface ApiKeyAdminOptions {
  /** The database (borrowed). */
  readonly db: Db;
  /** Clock; default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * Creates, lists and revokes the GraphQL API's keys in MongoDB. Keys are
 * random (32 bytes), shown once, and stored as SHA-256 only.
 *
 * @example
 * ```ts
 * const admin = new ApiKeyAdmin({ db });
 * await admin.ensureIndexes();
 * const { key, record } = await admin.create({ name: 'grafana', role: 'read' });
 * ```
 */
export class ApiKeyAdmin {
  readonly #keys: Collection<ApiKeyRecord>;
  readonly #now: () => Date;

  /**
   * @param options - database and clock
   */
  constructor(options: ApiKeyAdminOptions) {
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
   * @param request - name and role
   * @returns the key (shown once) and its record
   */
  async create(request: { readonly name: string; readonly role: ApiKeyRole }): Promise<CreatedApiKey> {
    const key = `phx_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id: randomUUID(),
      name: request.name,
      role: request.role,
      keyHash: createHash('sha256').update(key, 'utf8').digest('hex'),
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
    const docs = await this.#keys.find({}, { projection: { _id: 0 } }).sort({ createdAt: 1, id: 1 }).toArray();
    return docs.map((d) => ({ id: d.id, name: d.name, role: d.role, keyHash: d.keyHash, createdAt: d.createdAt, revokedAt: d.revokedAt ?? null }));
  }

  /**
   * Revokes a key: requests with it are refused at once, its open
   * subscriptions are closed at the server's next check. Revoking a revoked
   * key keeps its first revocation date.
   *
   * @param id - the key id
   * @returns the record after revocation
   * @throws {@link NotFoundError} when no key has this id
   */
  async revoke(id: string): Promise<ApiKeyRecord> {
    await this.#keys.updateOne({ id, revokedAt: null }, { $set: { revokedAt: this.#now() } });
    const doc = await this.#keys.findOne({ id }, { projection: { _id: 0 } });
    if (doc === null) throw new NotFoundError('API key', id, { where: `the ${API_KEYS_COLLECTION} collection` });
    return { ...doc, revokedAt: doc.revokedAt ?? null };
  }
}
