import { describe, expect, it } from 'vitest';
import { InvalidInputError, SettingAliasConflictError } from '@phx/core';
import { loadWorkerConfig } from '../src/config.js';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27027/' };

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
}

describe('loadWorkerConfig: names with their unit', () => {
  it('reads JOB_TIMEOUT_SECONDS, JOB_LOCK_LIFETIME_MS, JOB_RESULT_TTL_SECONDS and SHUTDOWN_GRACE_PERIOD_SECONDS as the seed names', () => {
    const config = loadWorkerConfig({
      ...base,
      JOB_TIMEOUT_SECONDS: '60',
      JOB_LOCK_LIFETIME_MS: '5000',
      JOB_RESULT_TTL_SECONDS: '86400',
      SHUTDOWN_GRACE_PERIOD_SECONDS: '10',
    });
    expect(config).toMatchObject({
      jobTimeoutMs: 60_000,
      lockLifetimeMs: 5_000,
      jobResultTtlMs: 86_400_000,
      shutdownGracePeriodMs: 10_000,
    });
  });

  it('takes a name and its alias set to the same value', () => {
    const config = loadWorkerConfig({
      ...base,
      JOB_TIMEOUT: '60',
      JOB_TIMEOUT_SECONDS: ' 60 ',
      JOB_LOCK_LIFETIME: '5000',
      JOB_LOCK_LIFETIME_MS: '5000',
    });
    expect(config).toMatchObject({ jobTimeoutMs: 60_000, lockLifetimeMs: 5_000 });
  });

  it('refuses a name and its alias set to different values, naming both', () => {
    const error = thrown(() =>
      loadWorkerConfig({ ...base, JOB_TIMEOUT: '60', JOB_TIMEOUT_SECONDS: '120', JOB_LOCK_LIFETIME: '5000', JOB_LOCK_LIFETIME_MS: '6000' }),
    );
    expect(error).toBeInstanceOf(SettingAliasConflictError);
    expect(error).toBeInstanceOf(InvalidInputError);
    const conflict = error as SettingAliasConflictError;
    expect(conflict.conflicts).toEqual([
      { name: 'JOB_TIMEOUT', value: '60', alias: 'JOB_TIMEOUT_SECONDS', aliasValue: '120' },
      { name: 'JOB_LOCK_LIFETIME', value: '5000', alias: 'JOB_LOCK_LIFETIME_MS', aliasValue: '6000' },
    ]);
    expect(conflict.message).toMatch(/JOB_TIMEOUT_SECONDS.*120.*JOB_TIMEOUT.*60.*set one of them/s);
    expect(conflict.message).toMatch(/JOB_LOCK_LIFETIME_MS.*6000.*JOB_LOCK_LIFETIME.*5000/s);
  });

  it('checks an alias like its name', () => {
    const error = thrown(() => loadWorkerConfig({ ...base, JOB_LOCK_LIFETIME_MS: '10' }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['JOB_LOCK_LIFETIME_MS']);
  });
});
