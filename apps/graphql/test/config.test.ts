import { InvalidInputError } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { loadGraphqlConfig } from '../src/config.js';

describe('loadGraphqlConfig', () => {
  it('fills the defaults around the one required variable', () => {
    const config = loadGraphqlConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017/' });
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      mongodbUri: 'mongodb://127.0.0.1:27017/',
      mongodbDb: 'phx',
      logLevel: 'info',
      nodeEnv: 'production',
      isProduction: true,
      maxRequestBytes: 102_400,
      maxQueryDepth: 10,
      maxQueryAliases: 5,
      shutdownGraceMs: 10_000,
    });
    expect(config.propertiesCsv).toMatch(/[/\\]tools[/\\]data[/\\]sample-properties\.csv$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable; empty ones count as unset', () => {
    const config = loadGraphqlConfig({
      MONGODB_URI: 'mongodb+srv://cluster.example.net/',
      PORT: '0',
      HOST: '0.0.0.0',
      MONGODB_DB: 'phx_demo',
      PROPERTIES_CSV: '/tmp/props.csv',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
      MAX_REQUEST_BYTES: '2048',
      MAX_QUERY_DEPTH: '',
      SHUTDOWN_GRACE_MS: '500',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      mongodbDb: 'phx_demo',
      propertiesCsv: '/tmp/props.csv',
      logLevel: 'debug',
      isProduction: true,
      maxRequestBytes: 2048,
      maxQueryDepth: 10,
      shutdownGraceMs: 500,
    });
  });

  it('names every bad or missing variable at once', () => {
    let caught: unknown;
    try {
      loadGraphqlConfig({ PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const paths = (caught as InvalidInputError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['PORT', 'MONGODB_URI', 'LOG_LEVEL']));
  });
});
