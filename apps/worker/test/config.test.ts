import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@phx/core';
import { WORKSPACE_ROOT, loadWorkerConfig } from '../src/config.js';

describe('loadWorkerConfig', () => {
  it('fills the defaults of the original design', () => {
    const config = loadWorkerConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27027/' });
    expect(config).toMatchObject({
      mongoUri: 'mongodb://127.0.0.1:27027/',
      mongoDb: 'phx',
      imagesDir: join(WORKSPACE_ROOT, '.data/images'),
      scraperMode: 'live',
      fixturesDir: join(WORKSPACE_ROOT, '../shared/fixtures'),
      maxConcurrentJobs: 3,
      propertyConcurrency: 3,
      jobTimeoutMs: 3_600_000,
      logLevel: 'info',
    });
    expect(config.workerName).toMatch(/-\d+$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable, JOB_TIMEOUT in seconds', () => {
    const config = loadWorkerConfig({
      MONGODB_URI: 'mongodb://db.example:27017/',
      MONGODB_DB: 'phx_prod',
      PHX_IMAGES_DIR: '/var/phx/images',
      PHX_SCRAPER_MODE: 'replay',
      PHX_FIXTURES_DIR: 'fixtures',
      MAX_CONCURRENT_JOBS: '5',
      PROPERTY_CONCURRENCY: '2',
      JOB_TIMEOUT: '60',
      LOG_LEVEL: 'debug',
      WORKER_NAME: 'w-1',
    });
    expect(config).toEqual({
      mongoUri: 'mongodb://db.example:27017/',
      mongoDb: 'phx_prod',
      imagesDir: '/var/phx/images',
      scraperMode: 'replay',
      fixturesDir: join(WORKSPACE_ROOT, 'fixtures'),
      maxConcurrentJobs: 5,
      propertyConcurrency: 2,
      jobTimeoutMs: 60_000,
      logLevel: 'debug',
      workerName: 'w-1',
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
      queueNotifyPollMs: 100,
    });
  });

  it('names every bad or missing variable', () => {
    const error = (() => {
      try {
        loadWorkerConfig({ PHX_SCRAPER_MODE: 'offline', MAX_CONCURRENT_JOBS: 'many', JOB_TIMEOUT: '0' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path).sort()).toEqual(['JOB_TIMEOUT', 'MAX_CONCURRENT_JOBS', 'MONGODB_URI', 'PHX_SCRAPER_MODE']);
  });
});
