import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
const TRACING_MODULES = {
  graphql: join(WORKSPACE, 'apps/graphql/dist/tracing.js'),
  worker: join(WORKSPACE, 'apps/worker/dist/tracing.js'),
};

/** Loads an app's built tracing module in a fresh Node process and tells whether tracing is on and the SDK loaded. */
async function probe(module: string, env: Record<string, string>): Promise<{ on: boolean; sdkLoaded: boolean }> {
  if (!existsSync(module)) throw new Error(`${module} is missing; build first (nx run-many -t build)`);
  const script = `
    const { tracing } = await import(${JSON.stringify(pathToFileURL(module).href)});
    const { createRequire } = await import('node:module');
    const cache = Object.keys(createRequire(${JSON.stringify(module)}).cache);
    console.log(JSON.stringify({ on: tracing.settings !== null, sdkLoaded: cache.some((p) => p.includes('@opentelemetry/sdk-node')) }));
    await tracing.stop();`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...clean, ...env } });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { on: boolean; sdkLoaded: boolean };
}

describe.each(Object.entries(TRACING_MODULES))('%s tracing bootstrap', (_app, module) => {
  it('starts no SDK (loads none of it) when no OTLP endpoint is configured', async () => {
    expect(await probe(module, {})).toEqual({ on: false, sdkLoaded: false });
  });

  it('starts no SDK with OTEL_SDK_DISABLED=true, even with an endpoint', async () => {
    expect(await probe(module, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' })).toEqual({
      on: false,
      sdkLoaded: false,
    });
  });

  it('starts the SDK when an endpoint is configured', async () => {
    expect(await probe(module, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual({ on: true, sdkLoaded: true });
  });
});
