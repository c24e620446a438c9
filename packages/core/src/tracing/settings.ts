import { z } from 'zod';

const otlpUrl = z
  .string()
  .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, 'must be an http:// or https:// URL of an OTLP/HTTP receiver, e.g. http://127.0.0.1:4318');

/**
 * The standard OpenTelemetry variables the phx processes read, as zod
 * settings (spread into an app's environment schema). Names and meanings are
 * OpenTelemetry's: `OTEL_EXPORTER_OTLP_ENDPOINT` (base URL, `/v1/traces`
 * appended), `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full traces URL, wins),
 * `OTEL_SERVICE_NAME`, `OTEL_SDK_DISABLED` (`true` turns tracing off).
 */
export const tracingEnvShape = {
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(255).optional(),
  OTEL_SDK_DISABLED: z
    .string()
    .regex(/^(true|false)$/i, 'must be true or false')
    .optional(),
};

/** `service.name` of each phx process's spans when `OTEL_SERVICE_NAME` is unset. */
export const DEFAULT_SERVICE_NAMES = Object.freeze({ graphql: 'phx-graphql', worker: 'phx-worker' } as const);

/** Tracing of a process when it is on: where spans go and under which service name. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL spans are exported to (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`). */
  readonly tracesEndpoint: string;
  /** `service.name` of the process's spans (`OTEL_SERVICE_NAME`, else the process's default, e.g. `phx-worker`). */
  readonly serviceName: string;
}

/** The parsed {@link tracingEnvShape} variables. */
export type TracingEnv = z.output<z.ZodObject<typeof tracingEnvShape>>;

/**
 * Whether and where a process exports its traces: on only when an OTLP
 * endpoint is configured and `OTEL_SDK_DISABLED` is not `true`.
 *
 * @param env - the parsed variables (see {@link tracingEnvShape})
 * @param defaultServiceName - the service name when `OTEL_SERVICE_NAME` is unset, e.g. `phx-graphql`
 * @returns the settings, or `null` when tracing is off
 * @example
 * ```ts
 * import { tracingSettingsOf } from '@phx/core';
 * tracingSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'phx-worker');
 * // { tracesEndpoint: 'http://127.0.0.1:4318/v1/traces', serviceName: 'phx-worker' }
 * ```
 */
export function tracingSettingsOf(env: TracingEnv, defaultServiceName: string): TracingSettings | null {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return null;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesEndpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (tracesEndpoint === undefined) return null;
  return { tracesEndpoint, serviceName: env.OTEL_SERVICE_NAME ?? defaultServiceName };
}

/**
 * Reads the tracing variables of an environment before anything else runs
 * (a process's tracing bootstrap). Never throws: bad values turn tracing off
 * here and are reported by the process's own configuration check.
 *
 * @param env - the environment, e.g. `process.env`; blank values count as unset
 * @param defaultServiceName - the service name when `OTEL_SERVICE_NAME` is unset
 * @returns the settings, or `null` when tracing is off or a tracing variable is bad
 * @example
 * ```ts
 * import { readTracingSettings } from '@phx/core';
 * const tracing = readTracingSettings(process.env, 'phx-worker');
 * ```
 */
export function readTracingSettings(env: Readonly<Record<string, string | undefined>>, defaultServiceName: string): TracingSettings | null {
  const given = Object.fromEntries(Object.keys(tracingEnvShape).flatMap((name) => (env[name]?.trim() ? [[name, env[name]]] : [])));
  const parsed = z.object(tracingEnvShape).safeParse(given);
  return parsed.success ? tracingSettingsOf(parsed.data, defaultServiceName) : null;
}
