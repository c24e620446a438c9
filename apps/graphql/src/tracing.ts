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
import { DEFAULT_SERVICE_NAMES, startProcessTracing } from '@phx/core';
import type * as HttpModule from '@opentelemetry/instrumentation-http';
import type * as ExpressModule from '@opentelemetry/instrumentation-express';
import type * as GraphqlModule from '@opentelemetry/instrumentation-graphql';
import type * as MongodbModule from '@opentelemetry/instrumentation-mongodb';

const require = createRequire(import.meta.url);

/** The server's tracing (`settings: null` when off); `stop()` it last when the server stops. */
export const tracing = startProcessTracing({
  env: process.env,
  defaultServiceName: DEFAULT_SERVICE_NAMES.graphql,
  require,
  instrumentations: () => {
    const http = require('@opentelemetry/instrumentation-http') as typeof HttpModule;
    const express = require('@opentelemetry/instrumentation-express') as typeof ExpressModule;
    const graphql = require('@opentelemetry/instrumentation-graphql') as typeof GraphqlModule;
    const mongodb = require('@opentelemetry/instrumentation-mongodb') as typeof MongodbModule;
    return [
      new http.HttpInstrumentation(),
      // Not one span per router the request walks past (a dozen per request): middleware and handlers only.
      new express.ExpressInstrumentation({ ignoreLayersType: [express.ExpressLayerType.ROUTER] }),
      new graphql.GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
      // The watchdog's pings and Agenda's polling outside requests would each start a trace of their own.
      new mongodb.MongoDBInstrumentation({ requireParentSpan: true }),
    ];
  },
  preload: ['node:http', 'express', 'graphql', 'mongodb'],
});
