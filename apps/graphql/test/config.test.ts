import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
      maxQueryCost: 5_000,
      devMode: false,
      keyRecheckIntervalMs: 5_000,
      lockLifetimeMs: 60_000,
      mongoServerSelectionTimeoutMs: 1_000,
      mongoConnectTimeoutMs: 1_000,
      watchdogIntervalMs: 5_000,
      watchdogTimeoutMs: 2_000,
      maxSubscriptionsPerSocket: 100,
      maxSocketsPerApiKey: 200,
    });
    expect(config.imagesDir).toMatch(/[/\\]\.data[/\\]images$/);
    expect(config.propertiesCsv).toMatch(/[/\\]tools[/\\]data[/\\]sample-properties\.csv$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('finds the console build in the monorepo by default; CONSOLE_DIR must be an existing folder', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/' };
    const workspace = fileURLToPath(new URL('../../../', import.meta.url));
    expect(loadGraphqlConfig(base).consoleDir).toBe(join(workspace, 'apps', 'console', 'dist'));
    expect(loadGraphqlConfig({ ...base, CONSOLE_DIR: tmpdir() }).consoleDir).toBe(tmpdir());
    // Relative to the workspace root, as PHX_IMAGES_DIR.
    expect(loadGraphqlConfig({ ...base, CONSOLE_DIR: 'apps/graphql' }).consoleDir).toBe(join(workspace, 'apps', 'graphql'));
    expect(() => loadGraphqlConfig({ ...base, CONSOLE_DIR: join(tmpdir(), 'phx-no-such-console-build') })).toThrow(
      /CONSOLE_DIR.*existing folder/,
    );
    expect(() => loadGraphqlConfig({ ...base, CONSOLE_DIR: fileURLToPath(import.meta.url) })).toThrow(/CONSOLE_DIR/);
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

  it('reads the access and image settings: dev mode only when asked for, key recheck interval, cost limit, images folder', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/' };
    expect(loadGraphqlConfig({ ...base, PHX_API_DEV_MODE: '1' }).devMode).toBe(true);
    expect(loadGraphqlConfig({ ...base, PHX_API_DEV_MODE: 'true' }).devMode).toBe(true);
    expect(loadGraphqlConfig({ ...base, PHX_API_DEV_MODE: '0' }).devMode).toBe(false);
    const config = loadGraphqlConfig({
      ...base,
      API_KEY_RECHECK_MS: '250',
      MAX_QUERY_COST: '800',
      PHX_IMAGES_DIR: '/srv/phx/images',
      JOB_LOCK_LIFETIME: '3000',
    });
    expect(config).toMatchObject({ keyRecheckIntervalMs: 250, maxQueryCost: 800, imagesDir: '/srv/phx/images', lockLifetimeMs: 3_000 });
    expect(() => loadGraphqlConfig({ ...base, JOB_LOCK_LIFETIME: '10' })).toThrow(/JOB_LOCK_LIFETIME/);
    expect(() => loadGraphqlConfig({ ...base, PHX_API_DEV_MODE: 'yes' })).toThrow(/PHX_API_DEV_MODE/);
  });

  it('reads the public URL and the trusted proxies, and refuses malformed ones', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/' };
    expect(loadGraphqlConfig(base)).toMatchObject({ publicUrl: null, trustedProxies: [] });
    const config = loadGraphqlConfig({ ...base, PUBLIC_URL: 'https://photos.example.com/phx', TRUSTED_PROXIES: 'loopback, 10.0.0.0/8' });
    expect(config).toMatchObject({ publicUrl: 'https://photos.example.com/phx', trustedProxies: ['loopback', '10.0.0.0/8'] });
    expect(() => loadGraphqlConfig({ ...base, PUBLIC_URL: 'photos.example.com' })).toThrow(/PUBLIC_URL/);
    expect(() => loadGraphqlConfig({ ...base, TRUSTED_PROXIES: 'my-proxy' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('reads the browser settings: session lifetime (default 12 h) and CORS origins (default none), and refuses bad ones', () => {
    const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/' };
    expect(loadGraphqlConfig(base)).toMatchObject({ sessionTtlMs: 43_200_000, corsOrigins: [] });
    const config = loadGraphqlConfig({
      ...base,
      SESSION_TTL_MS: '600000',
      CORS_ORIGINS: 'https://console.example.com, http://localhost:5173/ ,HTTPS://Ops.Example.com:8443',
    });
    expect(config).toMatchObject({
      sessionTtlMs: 600_000,
      corsOrigins: ['https://console.example.com', 'http://localhost:5173', 'https://ops.example.com:8443'],
    });
    expect(Object.isFrozen(config.corsOrigins)).toBe(true);
    for (const bad of ['console.example.com', 'https://console.example.com/app', 'ftp://x.example.com', 'https://a.example.com,*', ' , ']) {
      expect(() => loadGraphqlConfig({ ...base, CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS/);
    }
    for (const bad of ['59999', '2592000001', '12h']) {
      expect(() => loadGraphqlConfig({ ...base, SESSION_TTL_MS: bad }), bad).toThrow(/SESSION_TTL_MS/);
    }
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

describe('loadGraphqlConfig: tracing', () => {
  const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/' };

  it('is off by default and on with an OTLP endpoint, as phx-graphql unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(loadGraphqlConfig(base).tracing).toBeNull();
    expect(loadGraphqlConfig({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example/v1/traces' }).tracing).toEqual({
      tracesEndpoint: 'https://otel.example/v1/traces',
      serviceName: 'phx-graphql',
    });
    expect(
      loadGraphqlConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'api-eu' }).tracing,
    ).toEqual({
      tracesEndpoint: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'api-eu',
    });
  });

  it('names a bad OTLP endpoint', () => {
    expect(() => loadGraphqlConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://127.0.0.1:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT.*http:\/\/ or https:\/\//s,
    );
  });
});
