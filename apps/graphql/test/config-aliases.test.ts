import { describe, expect, it } from 'vitest';
import { InvalidInputError, SettingAliasConflictError } from '@phx/core';
import { loadGraphqlConfig } from '../src/config.js';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27027/' };

describe('loadGraphqlConfig: JOB_LOCK_LIFETIME_MS', () => {
  it('reads JOB_LOCK_LIFETIME_MS as JOB_LOCK_LIFETIME, and both with one value', () => {
    expect(loadGraphqlConfig({ ...base, JOB_LOCK_LIFETIME_MS: '3000' }).lockLifetimeMs).toBe(3_000);
    expect(loadGraphqlConfig({ ...base, JOB_LOCK_LIFETIME: '3000', JOB_LOCK_LIFETIME_MS: '3000' }).lockLifetimeMs).toBe(3_000);
  });

  it('refuses JOB_LOCK_LIFETIME and JOB_LOCK_LIFETIME_MS with different values, naming both', () => {
    const run = (): unknown => loadGraphqlConfig({ ...base, JOB_LOCK_LIFETIME: '3000', JOB_LOCK_LIFETIME_MS: '4000' });
    expect(run).toThrow(SettingAliasConflictError);
    expect(run).toThrow(/JOB_LOCK_LIFETIME_MS=4000 contradicts JOB_LOCK_LIFETIME=3000/);
  });

  it('names JOB_LOCK_LIFETIME_MS when its value is out of range', () => {
    try {
      loadGraphqlConfig({ ...base, JOB_LOCK_LIFETIME_MS: '10' });
      expect.unreachable('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['JOB_LOCK_LIFETIME_MS']);
    }
  });
});
