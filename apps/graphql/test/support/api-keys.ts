import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { API_KEYS_COLLECTION, hashApiKey, type ApiKeyDocument, type ApiKeyRole } from '../../src/auth/api-key.js';

/** A key made for a test: the secret and its stored document. */
export interface TestApiKey {
  /** The secret, as a client sends it. */
  readonly key: string;
  /** `Bearer <key>`, the Authorization value. */
  readonly authorization: string;
  /** The stored document. */
  readonly doc: ApiKeyDocument;
}

/**
 * Stores an API key the way the `phx-apikey` CLI does (its own tests check
 * the CLI writes this shape; the e2e test uses the CLI itself).
 *
 * @param db - the test database
 * @param role - `read` or `admin`
 * @param name - a name
 * @returns the key
 */
export async function insertTestApiKey(db: Db, role: ApiKeyRole, name = `test-${role}`): Promise<TestApiKey> {
  const key = `phx_${randomBytes(24).toString('base64url')}`;
  const doc: ApiKeyDocument = { id: randomUUID(), name, role, keyHash: hashApiKey(key), createdAt: new Date(), revokedAt: null };
  await db.collection<ApiKeyDocument>(API_KEYS_COLLECTION).insertOne({ ...doc });
  return { key, authorization: `Bearer ${key}`, doc };
}

/**
 * Marks a key revoked, as `phx-apikey revoke` does.
 *
 * @param db - the test database
 * @param id - the key id
 */
export async function revokeTestApiKey(db: Db, id: string): Promise<void> {
  await db.collection<ApiKeyDocument>(API_KEYS_COLLECTION).updateOne({ id }, { $set: { revokedAt: new Date() } });
}
