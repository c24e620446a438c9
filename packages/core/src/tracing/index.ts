export { PHX_TRACER_NAME, inSpan, recordSpanError, captureTraceContext, contextOfTrace } from './spans.js';
export type { TraceContextCarrier } from './spans.js';
export { DEFAULT_SERVICE_NAMES, tracingEnvShape, tracingSettingsOf, readTracingSettings } from './settings.js';
export type { TracingSettings, TracingEnv } from './settings.js';
export { startProcessTracing } from './process-tracing.js';
export type { ProcessTracing, ProcessTracingOptions } from './process-tracing.js';
export { QueryStringRedaction, REDACTED_QUERY } from './query-redaction.js';
