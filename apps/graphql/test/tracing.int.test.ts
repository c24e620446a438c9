import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from './support/child-service.js';
import { postGraphql } from './support/http-graphql.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER_MAIN = join(WORKSPACE, 'apps/worker/dist/main.js');
const GRAPHQL_MAIN = join(WORKSPACE, 'apps/graphql/dist/main.js');
const APIKEY_MAIN = join(WORKSPACE, 'tools/dist/apikey/main.js');
const SAMPLE_CSV = join(WORKSPACE, 'tools/data/sample-properties.csv');
const ADDRESS = '3001 Garwood St, Austin, TX 78702';
const ENQUEUE = `mutation($address: String!) { enqueueExtraction(input: { addresses: [$address], sources: ["zillow"] }) { id status } }`;
const JOB = `query($id: ID!) { job(id: $id) { id status newImages } }`;
const EXTRACTION_TIMEOUT_MS = 180_000;

describe('tracing: one trace from the enqueueing request through the worker to each download', () => {
  let database: TestDatabase;
  let imagesDir: string;
  let receiver: OtlpReceiver;
  let worker: ChildService | undefined;
  let graphql: ChildService | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    for (const script of [WORKER_MAIN, GRAPHQL_MAIN, APIKEY_MAIN]) {
      if (!existsSync(script)) throw new Error(`${script} is missing; build first (nx run-many -t build)`);
    }
    database = await openTestDatabase('tracing');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-tracing-images-'));
    receiver = await startOtlpReceiver();
    env = { MONGODB_URI: database.uri, MONGODB_DB: database.name, LOG_LEVEL: 'info', PHX_IMAGES_DIR: imagesDir };
  }, 60_000);

  afterAll(async () => {
    await graphql?.stop();
    await worker?.stop();
    await receiver?.close();
    await database?.drop();
    if (imagesDir !== undefined) await rm(imagesDir, { recursive: true, force: true });
  }, 120_000);

  it(
    'the worker job, property, page and photo spans continue the trace of the enqueueExtraction request',
    async () => {
      const created = await promisify(execFile)(
        process.execPath,
        [APIKEY_MAIN, 'create', '--name', 'tracing', '--role', 'admin', '--json'],
        {
          env: { ...process.env, ...env },
        },
      );
      const authorization = `Bearer ${(JSON.parse(created.stdout) as { key: string }).key}`;
      const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
      worker = await startChildService({
        name: 'worker',
        script: WORKER_MAIN,
        env: { ...env, ...otlp, PHX_SCRAPER_MODE: 'replay' },
        readyPattern: /worker ready/,
        readyTimeoutMs: 120_000,
      });
      graphql = await startChildService({
        name: 'graphql',
        script: GRAPHQL_MAIN,
        env: { ...env, ...otlp, PORT: '0', HOST: '127.0.0.1', PROPERTIES_CSV: SAMPLE_CSV },
        readyPattern: /graphql ready/,
        readyTimeoutMs: 60_000,
      });
      const url = (JSON.parse(graphql.readyLine) as { url: string }).url;

      const enqueued = await postGraphql<{ enqueueExtraction: { id: string } }>(url, ENQUEUE, { address: ADDRESS }, authorization);
      const jobId = enqueued.body.data?.enqueueExtraction.id;
      expect(jobId, JSON.stringify(enqueued.body)).toBeDefined();
      const stored = await database.db.collection('extraction_jobs').findOne({ _id: jobId as never });
      expect(stored?.['traceContext']).toEqual({ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) as unknown });

      let status = 'PENDING';
      for (const deadline = Date.now() + EXTRACTION_TIMEOUT_MS; !['COMPLETED', 'FAILED', 'CANCELLED'].includes(status);) {
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${status}:\n${worker.output.slice(-20).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = (await postGraphql<{ job: { status: string } }>(url, JOB, { id: jobId }, authorization)).body.data?.job.status ?? status;
      }
      expect(status).toBe('COMPLETED');
      // SIGTERM: each process shuts its SDK down, which exports the spans still batched.
      expect(await graphql.stop()).toBe(0);
      expect(await worker.stop()).toBe(0);

      const spans = receiver.spans;
      expect(receiver.rejected).toBe(0);
      const [job, ...otherJobs] = spans.filter((s) => s.service === 'phx-worker' && s.name === 'job');
      expect(otherJobs).toEqual([]);
      expect(job?.attributes).toMatchObject({ 'phx.job.id': jobId, 'phx.job.run_number': 1, 'phx.job.property_count': 1 });
      const trace = spans.filter((s) => s.traceId === job?.traceId);
      const byId = new Map(trace.map((s) => [s.spanId, s]));
      const parentOf = (s: ReceivedSpan | undefined): ReceivedSpan | undefined => (s === undefined ? undefined : byId.get(s.parentSpanId));
      const ancestors = (s: ReceivedSpan): ReceivedSpan[] => {
        const chain: ReceivedSpan[] = [];
        for (let p = parentOf(s); p !== undefined; p = parentOf(p)) chain.push(p);
        return chain;
      };

      // The job span's parent is a span of the API process, under its HTTP server span for the POST.
      const apiParent = parentOf(job);
      expect(apiParent?.service).toBe('phx-graphql');
      const apiChain = [apiParent, ...ancestors(apiParent as ReceivedSpan)];
      const root = apiChain.at(-1);
      expect(root?.parentSpanId).toBe('');
      expect(root?.scope).toBe('@opentelemetry/instrumentation-http');
      expect(root?.attributes['http.request.method'] ?? root?.attributes['http.method']).toBe('POST');
      expect(apiChain.some((s) => s?.scope === '@opentelemetry/instrumentation-graphql')).toBe(true);
      expect(trace.some((s) => s.service === 'phx-graphql' && s.scope === '@opentelemetry/instrumentation-express')).toBe(true);
      expect(trace.some((s) => s.service === 'phx-graphql' && s.scope === '@opentelemetry/instrumentation-mongodb')).toBe(true);

      // Beneath it in the worker: property → page, and property → photo per download, in the one trace.
      const property = trace.find((s) => s.name === 'property');
      expect(property).toMatchObject({ service: 'phx-worker', parentSpanId: job?.spanId, statusCode: 0 });
      const pages = trace.filter((s) => s.name === 'page');
      const photos = trace.filter((s) => s.name === 'photo');
      expect(pages.length).toBeGreaterThan(0);
      expect(photos.length).toBeGreaterThan(0);
      for (const span of [...pages, ...photos]) {
        expect(span.service).toBe('phx-worker');
        expect(ancestors(span)).toContain(property);
      }
      expect(pages[0]?.attributes).toMatchObject({ 'phx.source': 'zillow', 'server.address': 'www.zillow.com' });
      expect(['http', 'browser']).toContain(pages[0]?.attributes['phx.fetch_mode']);
      for (const photo of photos) {
        expect(photo.attributes['http.response.status_code']).toBe(200);
        expect(photo.attributes['phx.photo.bytes']).toBeGreaterThan(0);
      }
      // The worker's database calls of the run are in the trace too.
      expect(trace.some((s) => s.service === 'phx-worker' && s.scope === '@opentelemetry/instrumentation-mongodb')).toBe(true);
    },
    EXTRACTION_TIMEOUT_MS + 120_000,
  );
});
