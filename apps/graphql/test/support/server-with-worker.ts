import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildService, type ChildService } from './child-service.js';
import { startGraphqlProcess, type GraphqlProcess } from './graphql-process.js';

/** The built worker entry (`nx run worker:build`). */
const WORKER_MAIN = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'apps/worker/dist/main.js');

/** The built GraphQL server and the built worker as separate processes on one test database and image folder. */
export interface ServerWithWorker {
  /** The GraphQL server (its database, keys and URL). */
  readonly server: GraphqlProcess;
  /** The worker, replaying the saved listings. */
  readonly worker: ChildService;
  /** Stops the worker and the server, drops the database and removes the image folder. */
  close(): Promise<void>;
}

/**
 * Starts `apps/graphql/dist/main.js` (see `startGraphqlProcess`) and `apps/worker/dist/main.js` in replay mode on
 * its database and a fresh image folder, and waits for both to be ready.
 *
 * @param suite - suite name for the database and the image folder
 * @param workerEnv - more environment variables of the worker (e.g. `PROPERTY_CONCURRENCY`)
 * @returns both processes
 * @throws Error when a build is missing or a process does not get ready
 */
export async function startServerWithWorker(suite: string, workerEnv: Readonly<Record<string, string>> = {}): Promise<ServerWithWorker> {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing; build first (nx run worker:build)`);
  const imagesDir = await mkdtemp(join(tmpdir(), `phx-${suite}-images-`));
  let server: GraphqlProcess | undefined;
  try {
    server = await startGraphqlProcess(suite, { PHX_IMAGES_DIR: imagesDir, LOG_LEVEL: 'info' });
    const { database } = server;
    const worker = await startChildService({
      name: 'worker',
      script: WORKER_MAIN,
      env: {
        MONGODB_URI: database.uri,
        MONGODB_DB: database.name,
        LOG_LEVEL: 'info',
        PHX_SCRAPER_MODE: 'replay',
        PHX_IMAGES_DIR: imagesDir,
        METRICS_PORT: '0',
        ...workerEnv,
      },
      readyPattern: /worker ready/,
      readyTimeoutMs: 120_000,
    });
    const started = server;
    return {
      server: started,
      worker,
      async close() {
        await worker.stop();
        await started.close();
        await rm(imagesDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await rm(imagesDir, { recursive: true, force: true });
    throw error;
  }
}
