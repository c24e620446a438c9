import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Agenda } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inSpan } from '@phx/core';
import type { JobService } from '../../src/service/job-service.js';
import { waitFor } from '../support/collect.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import type { WorkerHarness } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

describe('trace context: an enqueued job continues the trace of its request; a scheduled one starts its own', () => {
  const exporter = new InMemorySpanExporter();
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;
  let worker: WorkerHarness;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    tdb = await openTestDatabase('trace');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
    worker = await startWorker(tdb.db, { name: 'trace-worker' });
  });
  afterAll(async () => {
    await worker?.stop();
    await apiAgenda?.stop(false);
    await tdb?.close();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  const stored = (id: string) => tdb.db.collection('extraction_jobs').findOne({ _id: id as never });
  const finished = (id: string) => waitFor(`job ${id} finished`, async () => (await stored(id))?.['status'] === 'completed', 30_000);
  /** The run's `job` span, once ended: the run writes the job's final status before its span ends. */
  const jobSpanOf = async (id: string) => {
    const find = () => exporter.getFinishedSpans().find((s) => s.name === 'job' && s.attributes['phx.job.id'] === id);
    await waitFor(`job span of ${id}`, () => Promise.resolve(find() !== undefined), 10_000);
    return find();
  };

  it('stores the request trace context with an interactive job, and the worker job span is its child', async () => {
    const { job, requestSpan } = await inSpan('request', {}, async (span) => ({
      job: await service.enqueueExtraction({ properties: [testProperty(1)], sources: ['zillow'] }),
      requestSpan: span.spanContext(),
    }));
    const doc = await stored(job.id);
    expect(doc?.['traceContext']).toEqual({ traceparent: `00-${requestSpan.traceId}-${requestSpan.spanId}-01` });
    await finished(job.id);

    const jobSpan = await jobSpanOf(job.id);
    const spans = exporter.getFinishedSpans();
    expect(jobSpan?.spanContext().traceId).toBe(requestSpan.traceId);
    expect(jobSpan?.parentSpanContext).toMatchObject({ spanId: requestSpan.spanId, isRemote: true });
    expect(jobSpan?.attributes).toMatchObject({ 'phx.job.run_number': 1, 'phx.job.property_count': 1, 'phx.job.run_status': 'completed' });
    const property = spans.find((s) => s.name === 'property' && s.parentSpanContext?.spanId === jobSpan?.spanContext().spanId);
    expect(property?.attributes).toMatchObject({ 'phx.property.id': testProperty(1).id, 'phx.property.status': 'completed' });
  });

  it('a scheduled job (and one enqueued outside any trace) carries no context; its run is the root of a trace of its own', async () => {
    const scheduled = await inSpan('schedule tick', {}, () =>
      service.enqueueExtraction({ properties: [testProperty(2)], sources: ['zillow'] }, { origin: 'scheduled', scheduleId: 's-1' }),
    );
    const untraced = await service.enqueueExtraction({ properties: [testProperty(3)], sources: ['zillow'] });
    for (const job of [scheduled, untraced]) {
      expect(await stored(job.id)).not.toHaveProperty('traceContext');
      await finished(job.id);
      const jobSpan = await jobSpanOf(job.id);
      expect(jobSpan).toBeDefined();
      expect(jobSpan?.parentSpanContext).toBeUndefined();
    }
  });
});
