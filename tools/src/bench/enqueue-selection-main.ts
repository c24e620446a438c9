/**
 * `npm run bench:enqueue`: how long `enqueueExtraction` of a large catalog
 * selection takes through GraphQL. Imports `--properties` (default 50,000)
 * generated rows into the catalog of a database of its own on the local
 * FerretDB (dropped at the end), starts the GraphQL server as a child process
 * and times the mutation for `all: true` and for a label (the worker lists
 * them later), then, in this process, what the API did before selections were
 * listed by workers: read the selection from the catalog (`PropertyCatalog.select`)
 * and enqueue the job with its property list (`JobService.enqueueExtraction`).
 * Also times the worker's listing of the `all` job (`listCatalogSelection`),
 * in process. Prints wall time and the local FerretDB's CPU time of each.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { JobRepository, JobRunLeases, JobService, PropertyCatalog, createAgenda } from '@phx/jobs';
import { listCatalogSelection } from '@phx/jobs/worker';
import { resolveMongoUri } from '../db/mongo-uri.js';
import {
  cleanUpOnInterrupt,
  dropAfterClosing,
  endBenchRun,
  postGraphql,
  runBench,
  startBenchGraphqlServer,
} from './bench-graphql-server.js';
import type { BenchGraphqlServer } from './bench-graphql-server.js';
import { cpuSecondsOf, findFerretDbPid } from './jobs-procfs.js';

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
  let server: BenchGraphqlServer | null = null;
  // Ctrl-C: the server child and the database go too.
  const forget = cleanUpOnInterrupt(async () => {
    await server?.service.stop();
    await dropAfterClosing(mongo, uri, dbName);
  });
  const agenda = await createAgenda({ db });
  let failed = true;
  try {
    const jobs = new JobService({ db, agenda });
    await jobs.ensureIndexes();
    const catalog = new PropertyCatalog({ db });
    await catalog.ensureIndexes();
    await timed(`catalog import of ${count} rows`, databasePid, () => catalog.importCsv(catalogCsv(count), { label: LABEL }));
    server = await startBenchGraphqlServer({ db, uri, logDir, keyName: 'bench-enqueue' });
    const { url, authorization } = server;
    const enqueue = async (input: Record<string, unknown>): Promise<string> => {
      const data = await postGraphql<{ enqueueExtraction: { id: string } }>(url, authorization, ENQUEUE, {
        input: { ...input, sources: ['zillow'], dryRun: true },
      });
      return data.enqueueExtraction.id;
    };
    console.log('through GraphQL (the worker lists the selection):');
    const ids = [
      await timed('enqueueExtraction(all: true)', databasePid, () => enqueue({ all: true })),
      await timed(`enqueueExtraction(label: "${LABEL}")`, databasePid, () => enqueue({ label: LABEL })),
    ];
    console.log("then the worker's listing of the all job (read in id order, chunks written, total set), in process:");
    const repository = new JobRepository({ db });
    const now = new Date();
    await new JobRunLeases({ db }).claim(ids[0] ?? '', 1, 'bench-enqueue', now);
    const started = await repository.startRun(ids[0] ?? '', { runNumber: 1, workerName: 'bench-enqueue', now });
    if (started === null) throw new Error('the all job could not be started for its listing');
    const listed = await timed('listCatalogSelection', databasePid, () =>
      listCatalogSelection({ job: started, repository, signal: new AbortController().signal, clock: { now: () => new Date() } }),
    );
    console.log(`  listed ${listed?.totalProperties ?? 0} properties`);
    console.log('before (the API read the selection and wrote the list), in process:');
    const old = await timed(`select(all) + enqueueExtraction of ${count} properties`, databasePid, async () =>
      jobs.enqueueExtraction({ properties: await catalog.select({ all: true }), sources: ['zillow'], dryRun: true }),
    );
    // The all job is in progress (listed above); the database is dropped below.
    for (const id of [ids[1] ?? '', old.id]) await jobs.cancelJob(id);
    failed = false;
  } finally {
    forget();
    await agenda.stop(false);
    await endBenchRun({ server, db, mongo, logDir, failed });
  }
}

runBench('bench:enqueue', main);
