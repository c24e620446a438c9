/**
 * OpenTelemetry tracing of the GraphQL server. `main.ts` imports this module
 * first: it starts the SDK synchronously, before the next of main's imports
 * is evaluated, so the libraries it instruments load patched. On only when an
 * OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) and `OTEL_SDK_DISABLED` is not
 * `true`; otherwise no SDK module is loaded. Spans of incoming HTTP requests,
 * Express, GraphQL operations and MongoDB commands are exported as OTLP/HTTP
 * JSON under `OTEL_SERVICE_NAME` (default `phx-graphql`); the trace context of
 * an `enqueueExtraction` request is stored with its job, for the worker.
 */
import { createRequire } from 'node:module';
import { startProcessTracing } from '@phx/core';

/** `service.name` of the server's spans when `OTEL_SERVICE_NAME` is unset. */
export const GRAPHQL_SERVICE_NAME = 'phx-graphql';

const require = createRequire(import.meta.url);

/** The server's tracing (`settings: null` when off); `stop()` it last when the server stops. */
export const tracing = startProcessTracing({
  env: process.env,
  defaultServiceName: GRAPHQL_SERVICE_NAME,
  require,
  instrumentations: () => {
    const http = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
    const express = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
    const graphql = require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
    const mongodb = require('@opentelemetry/instrumentation-mongodb') as typeof import('@opentelemetry/instrumentation-mongodb');
    return [
      new http.HttpInstrumentation(),
      new express.ExpressInstrumentation(),
      new graphql.GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
      // The watchdog's pings and Agenda's polling outside requests would each start a trace of their own.
      new mongodb.MongoDBInstrumentation({ requireParentSpan: true }),
    ];
  },
  preload: ['node:http', 'express', 'graphql', 'mongodb'],
});
