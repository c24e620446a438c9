import { QueryStringRedaction } from './query-redaction.js';
import { readTracingSettings } from './settings.js';
import type { TracingSettings } from './settings.js';

/** What of `@opentelemetry/sdk-node` this module uses (the app's copy, loaded through the app's `require`). */
interface NodeSdkModule {
  readonly tracing: { readonly BatchSpanProcessor: new (exporter: unknown) => unknown };
  readonly NodeSDK: new (config: {
    readonly serviceName: string;
    readonly spanProcessors: readonly unknown[];
    readonly metricReaders: readonly unknown[];
    readonly logRecordProcessors: readonly unknown[];
    readonly instrumentations: readonly unknown[];
  }) => { start(): void; shutdown(): Promise<void> };
}

/** What of `@opentelemetry/exporter-trace-otlp-http` this module uses. */
interface OtlpHttpExporterModule {
  readonly OTLPTraceExporter: new (config: { readonly url: string }) => unknown;
}

/** How a process starts its tracing; see {@link startProcessTracing}. */
export interface ProcessTracingOptions {
  /** The environment, e.g. `process.env` (`OTEL_*` variables, see `tracingEnvShape`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `service.name` when `OTEL_SERVICE_NAME` is unset, e.g. `phx-worker`. */
  readonly defaultServiceName: string;
  /**
   * The app's `require` (`createRequire(import.meta.url)`): the SDK, the OTLP
   * exporter and the instrumented libraries are the app's dependencies,
   * resolved from the app; this package depends only on `@opentelemetry/api`.
   */
  readonly require: (id: string) => unknown;
  /** Makes the instrumentations (called only when tracing is on, with the SDK's require hook not yet set). */
  readonly instrumentations: () => readonly unknown[];
  /**
   * CommonJS libraries to load right after the SDK starts (e.g. `mongodb`,
   * `node:http`): loaded through the require hook they are patched, and the
   * ESM imports of them evaluated later get the same patched exports.
   */
  readonly preload: readonly string[];
}

/** A process's tracing, on or off. */
export interface ProcessTracing {
  /** The settings it runs with, or `null` when tracing is off (no SDK loaded). */
  readonly settings: TracingSettings | null;
  /**
   * Exports the spans not yet sent and stops the SDK. Call last when the
   * process stops. Does nothing when off; a failed export is dropped (the
   * receiver may be gone), never thrown.
   */
  stop(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing of a process, synchronously, when the
 * environment configures an OTLP endpoint (see `tracingSettingsOf`): a
 * `NodeSDK` with the OTLP/HTTP (JSON) trace exporter (query strings
 * redacted first, see {@link QueryStringRedaction}), W3C trace context
 * propagation, the given instrumentations, no metrics and no logs. Call it
 * from a module the entry point imports first, so that it runs before the
 * instrumented libraries load. With tracing off nothing is loaded.
 *
 * @param options - environment, default service name, the app's `require`, instrumentations, libraries to preload
 * @returns the tracing handle (`settings: null` when off)
 * @throws whatever the SDK or a preloaded library throws while loading
 * @example
 * ```ts
 * import { createRequire } from 'node:module';
 * import { startProcessTracing } from '@phx/core';
 * const require = createRequire(import.meta.url);
 * const tracing = startProcessTracing({ env: process.env, defaultServiceName: 'phx-cli', require, instrumentations: () => [], preload: [] });
 * await tracing.stop();
 * ```
 */
export function startProcessTracing(options: ProcessTracingOptions): ProcessTracing {
  const settings = readTracingSettings(options.env, options.defaultServiceName);
  if (settings === null) return { settings, stop: () => Promise.resolve() };
  const { NodeSDK, tracing } = options.require('@opentelemetry/sdk-node') as NodeSdkModule;
  const { OTLPTraceExporter } = options.require('@opentelemetry/exporter-trace-otlp-http') as OtlpHttpExporterModule;
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    // Query strings out first (they may carry keys or tokens, as in `?apiKey=`), then the batches to the exporter.
    spanProcessors: [new QueryStringRedaction(), new tracing.BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesEndpoint }))],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: options.instrumentations(),
  });
  sdk.start();
  for (const id of options.preload) options.require(id);
  return { settings, stop: () => sdk.shutdown().catch(() => undefined) };
}
