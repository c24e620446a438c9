import { ROOT_CONTEXT, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';

/** Name of the tracer phx's own spans (`job`, `property`, `page`, `photo`) come from. */
export const PHX_TRACER_NAME = 'phx';

/**
 * A W3C trace context as stored with a job: the `traceparent` header
 * (`00-<trace id>-<span id>-<flags>`) and, when the caller had one, `tracestate`.
 * Lets a worker continue the trace of the request that enqueued the job.
 */
export interface TraceContextCarrier {
  /** W3C `traceparent`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. */
  readonly traceparent: string;
  /** W3C `tracestate`, when the trace carries vendor state. */
  readonly tracestate?: string;
}

/**
 * Runs `work` inside a new active span of phx's tracer and ends the span when
 * `work` settles. A rejection is recorded on the span ({@link recordSpanError})
 * and rethrown. Without an OpenTelemetry SDK registered (tracing off) the span
 * is a no-op and this costs a function call.
 *
 * @param name - the span name, e.g. `property`
 * @param attributes - attributes set at the start
 * @param work - the traced work; it may add attributes or events to the span
 * @param parent - the parent context; default the active one
 * @returns what `work` returns
 * @throws whatever `work` throws
 * @example
 * ```ts
 * import { inSpan } from '@phx/core';
 * const photos = await inSpan('property', { 'phx.property.id': 'p-1' }, async (span) => {
 *   span.setAttribute('phx.property.photos', 3);
 *   return 3;
 * });
 * ```
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  const tracer = trace.getTracer(PHX_TRACER_NAME);
  return tracer.startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordSpanError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Marks a span failed: records the exception, sets status ERROR with the
 * error's message, and for phx's typed errors their `code` and `kind` as
 * attributes `error.type` and `phx.error.kind` (else `error.type` is the
 * error's class name).
 *
 * @param span - the span (not ended)
 * @param error - what was thrown or the failure found
 * @example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * import { recordSpanError, CancelledError } from '@phx/core';
 * const span = trace.getTracer('phx').startSpan('work');
 * recordSpanError(span, new CancelledError());
 * span.end();
 * ```
 */
export function recordSpanError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  const { code, kind } = err as { code?: unknown; kind?: unknown };
  span.setAttribute('error.type', typeof code === 'string' ? code : err.name);
  if (typeof kind === 'string') span.setAttribute('phx.error.kind', kind);
}

/**
 * The active trace context as a W3C carrier, to store with work that another
 * process picks up later (a queued job). Uses the globally registered
 * propagator, so with tracing off (no SDK) there is none to capture.
 *
 * @returns the carrier, or `null` when no sampled or unsampled span is active or no propagator is registered
 * @example
 * ```ts
 * import { captureTraceContext } from '@phx/core';
 * const traceContext = captureTraceContext(); // null unless tracing is on and a span is active
 * ```
 */
export function captureTraceContext(): TraceContextCarrier | null {
  if (trace.getSpanContext(context.active()) === undefined) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const { traceparent, tracestate } = carrier;
  if (traceparent === undefined) return null;
  return tracestate === undefined || tracestate === '' ? { traceparent } : { traceparent, tracestate };
}

/**
 * The context to start a span in that continues a stored trace: the remote
 * parent of `carrier` on an empty context. A missing or malformed carrier
 * gives the empty context, so the span starts a trace of its own.
 *
 * @param carrier - the stored W3C trace context, or `null`/`undefined`
 * @returns a context whose span context is the carrier's (remote), or the root context
 * @example
 * ```ts
 * import { contextOfTrace, inSpan } from '@phx/core';
 * const parent = contextOfTrace({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
 * await inSpan('job', {}, async () => undefined, parent);
 * ```
 */
export function contextOfTrace(carrier: TraceContextCarrier | null | undefined): Context {
  if (carrier === null || carrier === undefined) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { ...carrier });
}
