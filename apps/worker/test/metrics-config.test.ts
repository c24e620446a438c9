import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@phx/core';
import { loadWorkerConfig } from '../src/config.js';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27027/' };

describe('loadWorkerConfig: metrics endpoint and queue notifications', () => {
  it('defaults to /metrics on 127.0.0.1:9464 and notifications read every 50 ms', () => {
    expect(loadWorkerConfig(base)).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1', queueNotifyPollMs: 50 });
  });

  it('reads METRICS_PORT (0 = off), METRICS_HOST and QUEUE_NOTIFY_POLL_MS (0 = off)', () => {
    expect(loadWorkerConfig({ ...base, METRICS_PORT: '0', METRICS_HOST: '0.0.0.0', QUEUE_NOTIFY_POLL_MS: '0' })).toMatchObject({
      metricsPort: 0,
      metricsHost: '0.0.0.0',
      queueNotifyPollMs: 0,
    });
  });

  it('names each bad value', () => {
    const error = (() => {
      try {
        return loadWorkerConfig({ ...base, METRICS_PORT: '70000', QUEUE_NOTIFY_POLL_MS: '5' });
      } catch (e) {
        return e;
      }
    })() as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.issues.map((i) => i.path)).toEqual(['METRICS_PORT', 'QUEUE_NOTIFY_POLL_MS']);
  });
});
