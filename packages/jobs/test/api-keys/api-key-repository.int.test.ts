import { createHash } from 'node:crypto';
import { NotFoundError } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '../../src/api-keys/api-key-repository.js';
import { API_KEYS_COLLECTION, hashApiKey } from '../../src/api-keys/api-key.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

describe('ApiKeyRepository (api_keys)', () => {
  let tdb: TestDatabase;
  let clock = new Date('2026-01-02T03:04:05Z');
  let keys: ApiKeyRepository;

  beforeAll(async () => {
    tdb = await openTestDatabase('apikeys');
    keys = new ApiKeyRepository({ db: tdb.db, now: () => clock });
    await keys.ensureIndexes();
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('creates, lists, verifies and revokes keys, storing only their SHA-256', async () => {
    const { key, record } = await keys.create({ name: 'grafana', role: 'read' });
    expect(key).toMatch(/^phx_[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({
      id: record.id,
      name: 'grafana',
      role: 'read',
      keyHash: createHash('sha256').update(key).digest('hex'),
      createdAt: clock,
      revokedAt: null,
    });
    expect(hashApiKey(key)).toBe(record.keyHash);
    const stored = await tdb.db.collection(API_KEYS_COLLECTION).findOne({ id: record.id }, { projection: { _id: 0 } });
    expect(stored).toEqual(record);
    expect(JSON.stringify(stored)).not.toContain(key);

    clock = new Date('2026-01-02T04:00:00Z');
    const admin = await keys.create({ name: 'ops', role: 'admin' });
    expect((await keys.list()).map((r) => [r.name, r.role])).toEqual([
      ['grafana', 'read'],
      ['ops', 'admin'],
    ]);
    expect(await keys.verify(key)).toEqual({ status: 'valid', record });
    expect(await keys.verify(`${key}x`)).toEqual({ status: 'unknown' });
    expect(await keys.verifyId(record.id)).toEqual({ status: 'valid', record });
    expect(await keys.verifyId('no-such-id')).toEqual({ status: 'unknown' });
    expect(await keys.stillValid([record.id, admin.record.id, 'nope'])).toEqual(new Set([record.id, admin.record.id]));

    const revokedAt = new Date('2026-01-03T00:00:00Z');
    clock = revokedAt;
    expect(await keys.revoke(record.id)).toEqual({ ...record, revokedAt });
    clock = new Date('2026-01-04T00:00:00Z');
    expect((await keys.revoke(record.id)).revokedAt).toEqual(revokedAt);
    expect(await keys.verify(key)).toEqual({ status: 'revoked', keyId: record.id, revokedAt });
    expect(await keys.verifyId(record.id)).toEqual({ status: 'revoked', keyId: record.id, revokedAt });
    expect(await keys.stillValid([record.id, admin.record.id])).toEqual(new Set([admin.record.id]));
    await expect(keys.revoke('no-such-id')).rejects.toBeInstanceOf(NotFoundError);
  });
});
