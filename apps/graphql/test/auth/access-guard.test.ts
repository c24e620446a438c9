import { describe, expect, it } from 'vitest';
import { AccessError } from '../../src/auth/access-error.js';
import { AccessGuard, credentialFromConnectionParams, DEV_MODE_PRINCIPAL } from '../../src/auth/access-guard.js';
import { hashApiKey, type ApiPrincipal } from '../../src/auth/api-key.js';
import type { ApiKeyVerifier } from '../../src/auth/api-key-verifier.js';

const READ: ApiPrincipal = { keyId: 'k-read', name: 'reader', role: 'read' };
const ADMIN: ApiPrincipal = { keyId: 'k-admin', name: 'boss', role: 'admin' };

/** Keys by their secret; `k-gone` is revoked. */
const verifier: ApiKeyVerifier = {
  check: async (key) => {
    if (key === 'read-key') return { status: 'valid', principal: READ };
    if (key === 'admin-key') return { status: 'valid', principal: ADMIN };
    if (key === 'gone-key') return { status: 'revoked', keyId: 'k-gone', revokedAt: new Date('2026-01-02T03:04:05.000Z') };
    return { status: 'unknown' };
  },
  checkId: async (keyId) => {
    if (keyId === READ.keyId) return { status: 'valid', principal: READ };
    if (keyId === 'k-gone') return { status: 'revoked', keyId: 'k-gone', revokedAt: new Date('2026-01-02T03:04:05.000Z') };
    return { status: 'unknown' };
  },
  stillValid: async (ids) => new Set(ids.filter((id) => id !== 'k-gone')),
};

const refusal = async (promise: Promise<unknown>): Promise<AccessError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccessError);
  return error as AccessError;
};

describe('AccessGuard', () => {
  const guard = new AccessGuard({ verifier, devMode: false });

  it('reads "Bearer <key>" with any case of the scheme and surrounding blanks', async () => {
    expect(await guard.authenticate('Bearer read-key')).toEqual(READ);
    expect(await guard.authenticate('bearer   admin-key  ')).toEqual(ADMIN);
    expect(await guard.authenticate('BEARER\tread-key')).toEqual(READ);
  });

  it('reads a key again by its id (a browser session): valid, revoked or gone', async () => {
    expect(await guard.authenticateKeyId('k-read')).toEqual(READ);
    const revoked = await refusal(guard.authenticateKeyId('k-gone'));
    expect([revoked.code, revoked.message]).toEqual(['UNAUTHENTICATED', 'API key k-gone was revoked at 2026-01-02T03:04:05.000Z']);
    const gone = await refusal(guard.authenticateKeyId('k-never'));
    expect([gone.code, gone.brief]).toEqual(['UNAUTHENTICATED', 'API key unknown']);
  });

  it.each([
    [undefined, 'API key required'],
    ['', 'API key required'],
    ['   ', 'API key required'],
    ['read-key', 'Authorization is not "Bearer <key>"'],
    ['Basic cmVhZDprZXk=', 'Authorization is not "Bearer <key>"'],
    ['Bearer read-key extra', 'Authorization is not "Bearer <key>"'],
    ['Bearer nobody', 'API key unknown'],
    ['Bearer gone-key', 'API key revoked'],
  ])('refuses %j as UNAUTHENTICATED (%s)', async (authorization, brief) => {
    const error = await refusal(guard.authenticate(authorization));
    expect([error.code, error.httpStatus, error.brief]).toEqual(['UNAUTHENTICATED', 401, brief]);
    expect(Buffer.byteLength(error.brief)).toBeLessThanOrEqual(100);
  });

  it('names the revoked key and when, never the secret', async () => {
    const error = await refusal(guard.authenticate('Bearer gone-key'));
    expect(error.message).toBe('API key k-gone was revoked at 2026-01-02T03:04:05.000Z');
  });

  it('lets read keys query and subscribe, and only admin keys mutate', () => {
    expect(() => guard.authorizeOperation(READ, 'query')).not.toThrow();
    expect(() => guard.authorizeOperation(READ, 'subscription')).not.toThrow();
    expect(() => guard.authorizeOperation(ADMIN, 'mutation')).not.toThrow();
    let error: unknown;
    try {
      guard.authorizeOperation(READ, 'mutation');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AccessError);
    expect(error).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
      message: 'API key k-read (reader) has role "read"; a mutation needs an "admin" key',
    });
  });

  it('in dev mode lets a keyless request in as admin but still checks a key that is sent', async () => {
    const dev = new AccessGuard({ verifier, devMode: true });
    expect(await dev.authenticate(undefined)).toEqual(DEV_MODE_PRINCIPAL);
    expect(DEV_MODE_PRINCIPAL.role).toBe('admin');
    expect((await refusal(dev.authenticate('Bearer nobody'))).brief).toBe('API key unknown');
    expect(await dev.stillValid(['dev-mode', 'k-read', 'k-gone'])).toEqual(new Set(['dev-mode', 'k-read']));
  });
});

describe('credentialFromConnectionParams', () => {
  it('takes authorization (either case) or a bare apiKey from connection_init', () => {
    expect(credentialFromConnectionParams({ authorization: 'Bearer a' })).toBe('Bearer a');
    expect(credentialFromConnectionParams({ Authorization: 'Bearer b' })).toBe('Bearer b');
    expect(credentialFromConnectionParams({ apiKey: 'c' })).toBe('Bearer c');
    expect(credentialFromConnectionParams({ authorization: 42 })).toBeUndefined();
    expect(credentialFromConnectionParams({})).toBeUndefined();
    expect(credentialFromConnectionParams(undefined)).toBeUndefined();
  });
});

describe('hashApiKey', () => {
  it('is the lower-case hex SHA-256 of the UTF-8 key', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
