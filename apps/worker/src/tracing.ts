/**
 * OpenTelemetry tracing of the worker. `main.ts` imports this module first:
 * it starts the SDK synchronously, before the next of main's imports is
 * evaluated, so the libraries it instruments load patched. On only when an
 * OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and `OTEL_SDK_DISABLED` is not `true`;
 * otherwise no SDK module is loaded. Exports, as OTLP/HTTP JSON under
 * `OTEL_SERVICE_NAME` (default `phx-worker`), the `job`, `property`, `page`
 * and `photo` spans of the job layer and scrapers with the undici (plain-HTTP
 * pages, photo downloads), HTTP and MongoDB spans beneath them. A job's span
 * continues the trace of the request that enqueued it.
 */
import { createRequire } from 'node:module';
import { DEFAULT_SERVICE_NAMES, startProcessTracing } from '@phx/core';
import type * as HttpModule from '@opentelemetry/instrumentation-http';
import type * as UndiciModule from '@opentelemetry/instrumentation-undici';
import type * as MongodbModule from '@opentelemetry/instrumentation-mongodb';

const require = createRequire(import.meta.url);

/** The worker's tracing (`settings: null` when off); `stop()` it last when the worker stops. */
export const tracing = startProcessTracing({
  env: process.env,
  defaultServiceName: DEFAULT_SERVICE_NAMES.worker,
  require,
  instrumentations: () => {
    const http = require('@opentelemetry/instrumentation-http') as typeof HttpModule;
    const undici = require('@opentelemetry/instrumentation-undici') as typeof UndiciModule;
    const mongodb = require('@opentelemetry/instrumentation-mongodb') as typeof MongodbModule;
    // Only calls inside a trace: the queue's polling and the metrics scrapes would each start a trace of their own.
    return [
      new http.HttpInstrumentation({ requireParentforOutgoingSpans: true, requireParentforIncomingSpans: true }),
      new undici.UndiciInstrumentation({ requireParentforSpans: true }),
      new mongodb.MongoDBInstrumentation({ requireParentSpan: true }),
    ];
  },
  preload: ['node:http', 'mongodb'],
});
