/**
 * `npm run bench:enqueue`: how long `enqueueExtraction` of a large catalog
 * selection takes through GraphQL. Imports `--properties` (default 50,000)
 * generated rows into the catalog of a database of its own on the local
 * FerretDB (dropped at the end), starts the GraphQL server as a child process
 * and times the mutation for `all: true` and for a label (the worker lists
 * them later), then, in this process, what the API did before selections were
 * listed by workers: read the selection from the catalog (`PropertyCatalog.select`)
 * and enqueue the job with its property list (`JobService.enqueueExtraction`).
 * Prints wall time and the local FerretDB's CPU time of each.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { ApiKeyRepository, JobService, PropertyCatalog, createAgenda } from '@phx/jobs';
import { resolveMongoUri } from '../db/mongo-uri.js';
import { findWorkspaceRoot } from '../db/workspace-paths.js';
import { freePort, startChildService } from '../process/child-service.js';
import { cpuSecondsOf, findFerretDbPid } from './jobs-procfs.js';

const ROOT = findWorkspaceRoot();
const GRAPHQL_MAIN = join(ROOT, 'apps/graphql/dist/main.js');
const LABEL = 'bench-city';
const ENQUEUE = `mutation($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id status totalProperties propertiesListed } }`;

/** A catalog CSV of `count` made-up Phoenix addresses, each with a Zillow listing URL. */
function catalogCsv(count: number): string {
  const rows = ['address,zillow_url'];
  for (let i = 1; i <= count; i += 1)
    rows.push(`"${i} W Bench Rd, Phoenix, AZ 85001",https://www.zillow.com/homedetails/${1_000_000 + i}_zpid/`);
  return rows.join('\n');
}

/** Runs `step`, printing its wall time and FerretDB's CPU time. */
async function timed<T>(what: string, databasePid: number | null, step: () => Promise<T>): Promise<T> {
  const cpuBefore = databasePid === null ? null : await cpuSecondsOf(databasePid);
  const started = performance.now();
  const result = await step();
  const wallMs = Math.round(performance.now() - started);
  const cpuAfter = databasePid === null ? null : await cpuSecondsOf(databasePid);
  const cpu = cpuBefore === null || cpuAfter === null ? 'FerretDB CPU n/a' : `FerretDB CPU ${Math.round((cpuAfter - cpuBefore) * 1000)} ms`;
  console.log(`  ${what}: ${wallMs} ms wall, ${cpu}`);
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { properties: { type: 'string', default: '50000' } } });
  const count = Number(values.properties);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--properties ${values.properties} is not a whole number from 1`);
  const uri = await resolveMongoUri();
  const dbName = `phx_bench_enqueue_${randomBytes(4).toString('hex')}`;
  const mongo = await MongoClient.connect(uri);
  const db = mongo.db(dbName);
  const logDir = await mkdtemp(join(tmpdir(), 'phx-bench-enqueue-logs-'));
  const databasePid = await findFerretDbPid(Number(new URL(uri).port || 27017));
  console.log(`phx enqueue benchmark: ${count} catalog properties, database ${dbName}, GraphQL log in ${logDir}`);
  let server: Awaited<ReturnType<typeof startChildService>> | null = null;
  const agenda = await createAgenda({ db });
  let failed = true;
  try {
    const jobs = new JobService({ db, agenda });
    await jobs.ensureIndexes();
    const catalog = new PropertyCatalog({ db });
    await catalog.ensureIndexes();
    await timed(`catalog import of ${count} rows`, databasePid, () => catalog.importCsv(catalogCsv(count), { label: LABEL }));
    const keys = new ApiKeyRepository({ db });
    await keys.ensureIndexes();
    const { key } = await keys.create({ name: 'bench-enqueue', role: 'admin' });
    const port = await freePort();
    server = await startChildService({
      name: 'graphql',
      script: GRAPHQL_MAIN,
      env: { MONGODB_URI: uri, MONGODB_DB: dbName, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port) },
      readyPattern: /graphql ready/,
      logFile: join(logDir, 'graphql.log'),
    });
    const enqueue = async (input: Record<string, unknown>): Promise<string> => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: ENQUEUE, variables: { input: { ...input, sources: ['zillow'], dryRun: true } } }),
      });
      const body = (await response.json()) as { data?: { enqueueExtraction: { id: string } }; errors?: unknown };
      if (body.data === undefined) throw new Error(`enqueueExtraction failed: ${JSON.stringify(body.errors)}`);
      return body.data.enqueueExtraction.id;
    };
    console.log('through GraphQL (the worker lists the selection):');
    const ids = [
      await timed('enqueueExtraction(all: true)', databasePid, () => enqueue({ all: true })),
      await timed(`enqueueExtraction(label: "${LABEL}")`, databasePid, () => enqueue({ label: LABEL })),
    ];
    console.log('before (the API read the selection and wrote the list), in process:');
    const old = await timed(`select(all) + enqueueExtraction of ${count} properties`, databasePid, async () =>
      jobs.enqueueExtraction({ properties: await catalog.select({ all: true }), sources: ['zillow'], dryRun: true }),
    );
    for (const id of [...ids, old.id]) await jobs.cancelJob(id);
    failed = false;
  } finally {
    await server?.stop();
    await agenda.stop(false);
    await db.dropDatabase();
    await mongo.close();
    if (failed) console.log(`GraphQL server log kept: ${logDir}`);
    else await rm(logDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:enqueue failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
