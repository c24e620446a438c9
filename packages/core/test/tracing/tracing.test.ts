import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  ListingNotFoundError,
  captureTraceContext,
  contextOfTrace,
  inSpan,
  readTracingSettings,
  startProcessTracing,
  tracingSettingsOf,
} from '../../src/index.js';

describe('tracing settings', () => {
  it('is off without an endpoint, and with OTEL_SDK_DISABLED=true', () => {
    expect(readTracingSettings({}, 'phx-worker')).toBeNull();
    expect(readTracingSettings({ OTEL_SERVICE_NAME: 'x' }, 'phx-worker')).toBeNull();
    expect(
      readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'TRUE' }, 'phx-worker'),
    ).toBeNull();
  });

  it('appends /v1/traces to the base endpoint; the traces endpoint wins; the service name defaults', () => {
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }, 'phx-worker')).toEqual({
      tracesEndpoint: 'http://127.0.0.1:4318/v1/traces',
      serviceName: 'phx-worker',
    });
    expect(
      tracingSettingsOf(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/otlp/traces',
          OTEL_SERVICE_NAME: 'api-eu',
          OTEL_SDK_DISABLED: 'false',
        },
        'phx-graphql',
      ),
    ).toEqual({ tracesEndpoint: 'https://collector.example/otlp/traces', serviceName: 'api-eu' });
  });

  it('a bad value turns tracing off when read early (the app configuration names it)', () => {
    expect(readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://127.0.0.1:4317' }, 'phx-worker')).toBeNull();
    expect(
      readTracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'yes' }, 'phx-worker'),
    ).toBeNull();
  });
});

describe('startProcessTracing', () => {
  it('with no endpoint loads nothing through the app require and stops at once', async () => {
    const loaded: string[] = [];
    const tracing = startProcessTracing({
      env: {},
      defaultServiceName: 'phx-worker',
      require: (id) => loaded.push(id),
      instrumentations: () => {
        throw new Error('no instrumentation may be made when tracing is off');
      },
      preload: ['mongodb'],
    });
    expect(tracing.settings).toBeNull();
    expect(loaded).toEqual([]);
    await expect(tracing.stop()).resolves.toBeUndefined();
  });
});

describe('spans', () => {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  afterEach(() => exporter.reset());
  afterAll(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('inSpan nests spans and records a typed error with its code and kind, status ERROR', async () => {
    await expect(
      inSpan('property', { 'phx.property.id': 'p-1' }, () =>
        inSpan('page', {}, () => Promise.reject(new ListingNotFoundError('zillow', '1 Main St', 'no listing'))),
      ),
    ).rejects.toBeInstanceOf(ListingNotFoundError);
    const [page, property] = exporter.getFinishedSpans();
    expect(page?.name).toBe('page');
    expect(page?.parentSpanContext?.spanId).toBe(property?.spanContext().spanId);
    expect(page?.status.code).toBe(2);
    expect(page?.attributes).toMatchObject({ 'error.type': 'LISTING_NOT_FOUND', 'phx.error.kind': 'permanent' });
    expect(page?.events.map((e) => e.name)).toEqual(['exception']);
    expect(property?.attributes).toMatchObject({ 'phx.property.id': 'p-1', 'error.type': 'LISTING_NOT_FOUND' });
  });

  it('an error without a code is typed by its class name', async () => {
    await expect(inSpan('photo', {}, () => Promise.reject(new CancelledError()))).rejects.toThrow();
    await expect(inSpan('photo', {}, () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
    const [cancelled, plain] = exporter.getFinishedSpans();
    expect(cancelled?.attributes['error.type']).toBe('CANCELLED');
    expect(plain?.attributes['error.type']).toBe('TypeError');
  });

  it('a captured trace context continues the trace elsewhere, as a remote parent', async () => {
    expect(captureTraceContext()).toBeNull();
    const carrier = await inSpan('request', {}, () => Promise.resolve(captureTraceContext()));
    expect(carrier?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await inSpan('job', {}, () => Promise.resolve(), contextOfTrace(carrier));
    await inSpan('scheduled job', {}, () => Promise.resolve(), contextOfTrace(null));
    const [request, job, scheduled] = exporter.getFinishedSpans();
    expect(job?.spanContext().traceId).toBe(request?.spanContext().traceId);
    expect(job?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(job?.parentSpanContext?.isRemote).toBe(true);
    expect(scheduled?.spanContext().traceId).not.toBe(request?.spanContext().traceId);
    expect(scheduled?.parentSpanContext).toBeUndefined();
    expect(contextOfTrace({ traceparent: 'garbage' })).toBe(contextOfTrace(undefined));
  });
});
