import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@phx/core';
import { WORKSPACE_ROOT, loadWorkerConfig, loggableProxies, loggableSettings } from '../src/config.js';

describe('loadWorkerConfig', () => {
  it('names MONGODB_URI when it is not a connection string', () => {
    expect(() => loadWorkerConfig({ MONGODB_URI: 'notauri' })).toThrow(/MONGODB_URI.*mongodb:\/\/ or mongodb\+srv:\/\//s);
  });

  it('fills the defaults of the original design', () => {
    const config = loadWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27027/' });
    expect(config).toMatchObject({
      mongoUri: 'mongodb://127.0.0.1:27027/',
      mongoDb: 'phx',
      imagesDir: join(WORKSPACE_ROOT, '.data/images'),
      scraperMode: 'live',
      imageStore: 'file',
      revalidateKnownPhotos: false,
      fetchMode: 'auto',
      fixturesDir: join(WORKSPACE_ROOT, '../shared/fixtures'),
      maxConcurrentJobs: 3,
      propertyConcurrency: 3,
      maxDecodePixels: 100_000_000,
      retireContextAfterPages: 100,
      jobTimeoutMs: 3_600_000,
      logLevel: 'info',
      lockLifetimeMs: 60_000,
      propertyMaxAttempts: 3,
      propertyRetryInitialBackoffMs: 1_000,
      propertyRetryMaxBackoffMs: 30_000,
      propertyMaxDeferMs: 300_000,
      jobResultTtlMs: 604_800_000,
      shutdownGracePeriodMs: 30_000,
      watchdogIntervalMs: 10_000,
      watchdogTimeoutMs: 5_000,
    });
    expect(config.workerName).toMatch(/-\d+$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable, JOB_TIMEOUT, JOB_RESULT_TTL and SHUTDOWN_GRACE_PERIOD in seconds, JOB_LOCK_LIFETIME in ms', () => {
    const config = loadWorkerConfig({
      MONGODB_URI: 'mongodb://db.example:27017/',
      MONGODB_DB: 'phx_prod',
      PHX_IMAGES_DIR: '/var/phx/images',
      PHX_SCRAPER_MODE: 'replay',
      PHX_IMAGE_STORE: 'gridfs',
      PHX_REVALIDATE_KNOWN_PHOTOS: '1',
      PHX_FIXTURES_DIR: 'fixtures',
      FETCH_MODE: 'http',
      MAX_CONCURRENT_JOBS: '5',
      PROPERTY_CONCURRENCY: '2',
      MAX_DECODE_PIXELS: '250000000',
      RETIRE_CONTEXT_AFTER_PAGES: '40',
      JOB_TIMEOUT: '60',
      LOG_LEVEL: 'debug',
      WORKER_NAME: 'w-1',
      JOB_LOCK_LIFETIME: '5000',
      PROPERTY_MAX_ATTEMPTS: '5',
      PROPERTY_RETRY_BACKOFF_MS: '200',
      PROPERTY_RETRY_MAX_BACKOFF_MS: '2000',
      PROPERTY_MAX_DEFER_MS: '60000',
      JOB_RESULT_TTL: '86400',
      SHUTDOWN_GRACE_PERIOD: '10',
      WATCHDOG_INTERVAL_MS: '2000',
      WATCHDOG_TIMEOUT_MS: '1500',
      WORKER_HEARTBEAT_MS: '2500',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example/v1/traces',
      OTEL_SERVICE_NAME: 'phx-worker-eu',
    });
    expect(config).toEqual({
      mongoUri: 'mongodb://db.example:27017/',
      mongoDb: 'phx_prod',
      imagesDir: '/var/phx/images',
      scraperMode: 'replay',
      imageStore: 'gridfs',
      revalidateKnownPhotos: true,
      fetchMode: 'http',
      proxies: { zillow: [], redfin: [] },
      fixturesDir: join(WORKSPACE_ROOT, 'fixtures'),
      maxConcurrentJobs: 5,
      propertyConcurrency: 2,
      maxDecodePixels: 250_000_000,
      retireContextAfterPages: 40,
      jobTimeoutMs: 60_000,
      logLevel: 'debug',
      workerName: 'w-1',
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
      queueNotifyPollMs: 50,
      lockLifetimeMs: 5_000,
      propertyMaxAttempts: 5,
      propertyRetryInitialBackoffMs: 200,
      propertyRetryMaxBackoffMs: 2_000,
      propertyMaxDeferMs: 60_000,
      jobResultTtlMs: 86_400_000,
      shutdownGracePeriodMs: 10_000,
      watchdogIntervalMs: 2_000,
      watchdogTimeoutMs: 1_500,
      workerHeartbeatMs: 2_500,
      tracing: { tracesEndpoint: 'https://otel.example/v1/traces', serviceName: 'phx-worker-eu' },
    });
  });

  it('reads RETIRE_CONTEXT_AFTER_PAGES=0 as never retiring the shared browser context', () => {
    expect(
      loadWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27027/', RETIRE_CONTEXT_AFTER_PAGES: '0' }).retireContextAfterPages,
    ).toBeNull();
  });

  it('reads FETCH_MODE auto, http or browser; blank is the default auto', () => {
    const fetchModeOf = (FETCH_MODE: string) => loadWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27027/', FETCH_MODE }).fetchMode;
    expect(['auto', 'http', 'browser', ' '].map(fetchModeOf)).toEqual(['auto', 'http', 'browser', 'auto']);
  });

  it('reads ZILLOW_PROXY_URLS and REDFIN_PROXY_URLS as comma-separated lists; none by default', () => {
    const config = loadWorkerConfig({
      MONGODB_URI: 'mongodb://127.0.0.1:27027/',
      ZILLOW_PROXY_URLS: ' http://user:pw@10.0.0.5:3128 , https://proxy.example:8443,',
    });
    expect(config.proxies).toEqual({ zillow: ['http://user:pw@10.0.0.5:3128', 'https://proxy.example:8443'], redfin: [] });
    expect(loadWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27027/' }).proxies).toEqual({ zillow: [], redfin: [] });
  });

  it('names a bad proxy URL by variable and index, without quoting it', () => {
    const error = (() => {
      try {
        loadWorkerConfig({
          MONGODB_URI: 'mongodb://127.0.0.1:27027/',
          REDFIN_PROXY_URLS: 'http://10.0.0.5:3128,socks5://u:hunter2@h:1080',
        });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['REDFIN_PROXY_URLS.1']);
    expect(String(error)).not.toMatch(/hunter2/);
  });

  it('refuses proxies in replay mode, naming each variable', () => {
    expect(() =>
      loadWorkerConfig({
        MONGODB_URI: 'mongodb://127.0.0.1:27027/',
        PHX_SCRAPER_MODE: 'replay',
        REDFIN_PROXY_URLS: 'http://10.0.0.5:3128',
      }),
    ).toThrow(/REDFIN_PROXY_URLS: proxies are for PHX_SCRAPER_MODE=live/);
  });

  it('logs proxies without their credentials, and names a bad percent-encoding without quoting it', () => {
    const config = loadWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27027/', ZILLOW_PROXY_URLS: 'http://bob:S3cr3tPw@127.0.0.1:3128' });
    expect(loggableProxies(config.proxies)).toEqual({ zillow: ['http://127.0.0.1:3128'], redfin: [] });
    expect(JSON.stringify(loggableProxies(config.proxies))).not.toMatch(/S3cr3tPw/);
    expect(() =>
      loadWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27027/', ZILLOW_PROXY_URLS: 'http://bob:S3cr%3tPw@127.0.0.1:1' }),
    ).toThrow(/ZILLOW_PROXY_URLS\.0: has a user name or password with a bad percent-encoding/);
  });

  it('logs its settings without the connection string or any credential (proxies, the traces endpoint)', () => {
    const config = loadWorkerConfig({
      MONGODB_URI: 'mongodb://admin:M0ngoPw@127.0.0.1:27027/',
      ZILLOW_PROXY_URLS: 'http://bob:S3cr3tPw@127.0.0.1:3128',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://u:Tr4cePw@127.0.0.1:4318/v1/traces',
    });
    const logged = loggableSettings(config);
    expect(logged).toMatchObject({
      proxies: { zillow: ['http://127.0.0.1:3128'] },
      tracing: { tracesEndpoint: 'http://127.0.0.1:4318/v1/traces', serviceName: 'phx-worker' },
      mongoDb: 'phx',
    });
    expect(logged).not.toHaveProperty('mongoUri');
    expect(JSON.stringify(logged)).not.toMatch(/M0ngoPw|S3cr3tPw|Tr4cePw/);
  });

  it('names every bad or missing variable', () => {
    const error = (() => {
      try {
        loadWorkerConfig({
          PHX_SCRAPER_MODE: 'offline',
          PHX_IMAGE_STORE: 's3',
          MAX_CONCURRENT_JOBS: 'many',
          JOB_TIMEOUT: '0',
          PHX_REVALIDATE_KNOWN_PHOTOS: 'yes',
          RETIRE_CONTEXT_AFTER_PAGES: '2.5',
          PROPERTY_MAX_DEFER_MS: '-1',
          WORKER_HEARTBEAT_MS: '50',
          FETCH_MODE: 'fast',
        });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path).sort()).toEqual([
      'FETCH_MODE',
      'JOB_TIMEOUT',
      'MAX_CONCURRENT_JOBS',
      'MONGODB_URI',
      'PHX_IMAGE_STORE',
      'PHX_REVALIDATE_KNOWN_PHOTOS',
      'PHX_SCRAPER_MODE',
      'PROPERTY_MAX_DEFER_MS',
      'RETIRE_CONTEXT_AFTER_PAGES',
      'WORKER_HEARTBEAT_MS',
    ]);
  });
});

describe('loadWorkerConfig: tracing', () => {
  const base = { MONGODB_URI: 'mongodb://127.0.0.1:27027/' };

  it('is off by default and on with an OTLP endpoint, as phx-worker unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(loadWorkerConfig(base).tracing).toBeNull();
    expect(loadWorkerConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing).toEqual({
      tracesEndpoint: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'phx-worker',
    });
    expect(
      loadWorkerConfig({
        ...base,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_SERVICE_NAME: 'worker-eu',
        OTEL_SDK_DISABLED: 'true',
      }).tracing,
    ).toBeNull();
  });

  it('names a bad OTLP endpoint or OTEL_SDK_DISABLED value', () => {
    expect(() => loadWorkerConfig({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '127.0.0.1:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.*http:\/\/ or https:\/\//s,
    );
    expect(() => loadWorkerConfig({ ...base, OTEL_SDK_DISABLED: 'off' })).toThrow(InvalidInputError);
  });
});
