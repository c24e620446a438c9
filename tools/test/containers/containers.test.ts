import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { FERRETDB_VERSION } from '../../src/db/ferretdb-binary.js';
import { findWorkspaceRoot } from '../../src/db/workspace-paths.js';

// The container files agree with the script that proves them (containers/build-and-prove.sh, `npm run images`):
// the compose file runs the commands the script ran from the built images. The proof itself is the script's run.

const root = findWorkspaceRoot();
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const script = read('containers/build-and-prove.sh');
const containerfiles = { worker: read('containers/worker.Containerfile'), api: read('containers/api.Containerfile') };

/** A bash array assignment of the script, e.g. `WORKER_COMMAND=(node apps/worker/dist/main.js)`, as its words. */
function scriptArray(name: string): string[] {
  const match = new RegExp(`^${name}=\\(([^)]*)\\)$`, 'm').exec(script);
  if (match?.[1] === undefined) throw new Error(`containers/build-and-prove.sh sets no ${name}=(...)`);
  return match[1].split(/\s+/).filter((word) => word !== '');
}

/** A plain assignment of the script, e.g. `FERRETDB_VERSION=v1.24.2`. */
function scriptValue(name: string): string {
  const match = new RegExp(`^${name}=(\\S+)$`, 'm').exec(script);
  if (match?.[1] === undefined) throw new Error(`containers/build-and-prove.sh sets no ${name}=`);
  return match[1];
}

/** The JSON array of a Containerfile instruction of the final stage, e.g. `CMD ["node", "x.js"]`. */
function instruction(file: string, name: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK'): string[] {
  const lines = file.split('\n').filter((line) => line.startsWith(`${name} `));
  expect(lines, `one ${name}`).toHaveLength(1);
  const json = /\[.*\]$/.exec(lines[0] ?? '')?.[0];
  if (json === undefined) throw new Error(`${name} is not in JSON (exec) form: ${lines[0]}`);
  return JSON.parse(json) as string[];
}

interface ComposeService {
  readonly image?: string;
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly environment?: Record<string, string>;
  readonly build?: { readonly context: string; readonly dockerfile: string };
}
const compose = YAML.parse(read('containers/compose.yaml')) as { services: Record<string, ComposeService> };
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};

describe('container files', () => {
  it('compose runs the commands the image script runs, which are the images’ CMDs', () => {
    expect(service('worker').command).toEqual(scriptArray('WORKER_COMMAND'));
    expect(service('api').command).toEqual(scriptArray('API_COMMAND'));
    expect(instruction(containerfiles.worker, 'CMD')).toEqual(scriptArray('WORKER_COMMAND'));
    expect(instruction(containerfiles.api, 'CMD')).toEqual(scriptArray('API_COMMAND'));
    expect(service('apikey').entrypoint).toEqual(['/usr/bin/tini', '--', ...scriptArray('APIKEY_COMMAND')]);
  });

  it('compose builds each service from its Containerfile and tags what the script tags', () => {
    const tag = /^TAG=\$\{PHX_IMAGE_TAG:-(\w+)\}$/m.exec(script)?.[1];
    expect(service('worker').build).toEqual({ context: '..', dockerfile: 'containers/worker.Containerfile' });
    expect(service('api').build).toEqual({ context: '..', dockerfile: 'containers/api.Containerfile' });
    expect(service('worker').image).toBe(`localhost/phx-worker:${tag}`);
    expect(service('api').image).toBe(`localhost/phx-api:${tag}`);
    expect(service('apikey').image).toBe(service('api').image);
  });

  it('compose points every phx service at the replica set', () => {
    for (const name of ['worker', 'api', 'apikey']) {
      expect(service(name).environment?.['MONGODB_URI']).toBe('mongodb://mongo:27017/?replicaSet=rs0');
    }
  });

  it('both images start from NODE_IMAGE (official Node 20 bookworm-slim by default), run tini and a non-root user, and check /healthz', () => {
    for (const file of Object.values(containerfiles)) {
      expect(file).toMatch(/^ARG NODE_IMAGE=docker\.io\/library\/node:20-bookworm-slim$/m);
      // npm 11 on NODE_IMAGE, build and deps on it, the final stage on NODE_IMAGE again.
      expect(file.split('\n').filter((line) => line.startsWith('FROM '))).toEqual([
        'FROM ${NODE_IMAGE} AS npm',
        'FROM npm AS build',
        'FROM npm AS deps',
        'FROM ${NODE_IMAGE}',
      ]);
      expect(instruction(file, 'ENTRYPOINT')).toEqual(['/usr/bin/tini', '--']);
      expect(file).toMatch(/^USER phx$/m);
      expect(file).toMatch(/useradd --uid 10001 /);
      expect(instruction(file, 'HEALTHCHECK').slice(0, 2)).toEqual(['node', '/app/containers/healthz.mjs']);
    }
    expect(containerfiles.worker).toMatch(/apt-get install -y --no-install-recommends chromium /);
    expect(instruction(containerfiles.worker, 'HEALTHCHECK').slice(2)).toEqual(['METRICS_PORT', '9464']);
    expect(instruction(containerfiles.api, 'HEALTHCHECK').slice(2)).toEqual(['PORT', '4000']);
  });

  it('the two images share one build stage, so a layered build makes it once', () => {
    const buildStage = (file: string): string => /^ARG NODE_IMAGE[\s\S]*?^RUN npx nx run-many[^\n]*$/m.exec(file)?.[0] ?? '';
    expect(buildStage(containerfiles.worker)).not.toBe('');
    expect(buildStage(containerfiles.worker)).toBe(buildStage(containerfiles.api));
  });

  it('the script runs the FerretDB and the Node 20 the project runs', () => {
    expect(scriptValue('FERRETDB_VERSION')).toBe(FERRETDB_VERSION);
    const [major, minor] = scriptValue('NODE_VERSION').split('.').map(Number);
    expect(major).toBe(20);
    expect(minor).toBeGreaterThanOrEqual(19);
  });
});
