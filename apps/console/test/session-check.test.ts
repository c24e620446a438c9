import { describe, expect, it } from 'vitest';
import { sessionCheckOutcome, toApiKeyRole } from '../src/api/session.js';

describe('sessionCheckOutcome (GET /session)', () => {
  it('signs out only for 401 (and 403: the cookie is not for this origin)', () => {
    expect(sessionCheckOutcome(401, null)).toEqual({ kind: 'signed-out' });
    expect(sessionCheckOutcome(403, null)).toEqual({ kind: 'signed-out' });
  });

  it('is signed in for 200', () => {
    expect(sessionCheckOutcome(200, null)).toEqual({ kind: 'signed-in' });
  });

  it('keeps the user and retries for 503 (database outage), other server errors and no answer', () => {
    expect(sessionCheckOutcome(503, '1')).toEqual({ kind: 'unavailable', retryMs: 1_000 });
    expect(sessionCheckOutcome(503, '5')).toEqual({ kind: 'unavailable', retryMs: 5_000 });
    expect(sessionCheckOutcome(503, null)).toEqual({ kind: 'unavailable', retryMs: 2_000 });
    expect(sessionCheckOutcome(502, 'Wed, 21 Oct 2015 07:28:00 GMT')).toEqual({ kind: 'unavailable', retryMs: 2_000 });
    expect(sessionCheckOutcome(0, null)).toEqual({ kind: 'unavailable', retryMs: 2_000 });
    expect(sessionCheckOutcome(503, '3600')).toEqual({ kind: 'unavailable', retryMs: 30_000 });
  });
});

describe('toApiKeyRole', () => {
  it('maps the session role to the GraphQL enum', () => {
    expect(toApiKeyRole('admin')).toBe('ADMIN');
    expect(toApiKeyRole('read')).toBe('READ');
  });
});
