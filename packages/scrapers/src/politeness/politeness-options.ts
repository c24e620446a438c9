import { InvalidInputError } from '@phx/core';
import type { InputIssue } from '@phx/core';
import { z } from 'zod';

/**
 * How gently the scrapers treat the sites: request rates, concurrency,
 * retries and the circuit breaker. Every field is optional; see
 * {@link DEFAULT_POLITENESS_OPTIONS} (live) and {@link REPLAY_POLITENESS_OPTIONS}.
 */
export interface PolitenessOptions {
  /** Listing pages and site API calls per second to one host (0.001-100), or `null` for no limit. Default 0.5. */
  readonly pageRequestsPerSecond?: number | null;
  /** Photo downloads per second from one photo host (0.001-1 000), or `null` for no limit. Default 8. */
  readonly photoRequestsPerSecond?: number | null;
  /** Random extra delay before each page request, uniform in 0..jitterMs, in ms (0-60 000). Default 1 000. */
  readonly jitterMs?: number;
  /** Listing pages loading at once per source (1-64). Default 2. */
  readonly pageConcurrency?: number;
  /** Photo downloads running at once per source (1-256). Default 8. */
  readonly photoConcurrency?: number;
  /** Retries of a page or photo after a transient failure (0-10). Default 3. */
  readonly maxRetries?: number;
  /** First retry delay before jitter, in ms (0-60 000); doubles per retry. Default 1 000. */
  readonly initialBackoffMs?: number;
  /**
   * Longest retry delay, in ms (0-3 600 000). A `Retry-After` longer than
   * this is not waited for: the error is thrown at once. Default 120 000.
   */
  readonly maxBackoffMs?: number;
  /** Bot walls in a row that open a source's circuit (1-100). Default 3. */
  readonly blocksToOpenCircuit?: number;
  /** How long an open circuit refuses requests before one trial, in ms (1 000-86 400 000). Default 900 000 (15 min). */
  readonly circuitOpenMs?: number;
}

/** {@link PolitenessOptions} with every field resolved. */
export type ResolvedPolitenessOptions = { readonly [K in keyof PolitenessOptions]-?: Exclude<PolitenessOptions[K], undefined> };

/** Defaults of {@link PolitenessOptions} for the live sites. */
export const DEFAULT_POLITENESS_OPTIONS: ResolvedPolitenessOptions = Object.freeze({
  pageRequestsPerSecond: 0.5,
  photoRequestsPerSecond: 8,
  jitterMs: 1_000,
  pageConcurrency: 2,
  photoConcurrency: 8,
  maxRetries: 3,
  initialBackoffMs: 1_000,
  maxBackoffMs: 120_000,
  blocksToOpenCircuit: 3,
  circuitOpenMs: 900_000,
});

/**
 * Defaults in replay mode: nothing remote to be gentle with, so no rate
 * limit, no jitter and short backoffs; retries and the circuit breaker work
 * as live.
 */
export const REPLAY_POLITENESS_OPTIONS: ResolvedPolitenessOptions = Object.freeze({
  ...DEFAULT_POLITENESS_OPTIONS,
  pageRequestsPerSecond: null,
  photoRequestsPerSecond: null,
  jitterMs: 0,
  pageConcurrency: 4,
  photoConcurrency: 16,
  initialBackoffMs: 100,
});

/** Run-time schema of {@link PolitenessOptions}. */
export const politenessOptionsSchema = z
  .object({
    pageRequestsPerSecond: z.number().min(0.001).max(100).nullable().exactOptional(),
    photoRequestsPerSecond: z.number().min(0.001).max(1_000).nullable().exactOptional(),
    jitterMs: z.number().int().min(0).max(60_000).exactOptional(),
    pageConcurrency: z.number().int().min(1).max(64).exactOptional(),
    photoConcurrency: z.number().int().min(1).max(256).exactOptional(),
    maxRetries: z.number().int().min(0).max(10).exactOptional(),
    initialBackoffMs: z.number().int().min(0).max(60_000).exactOptional(),
    maxBackoffMs: z.number().int().min(0).max(3_600_000).exactOptional(),
    blocksToOpenCircuit: z.number().int().min(1).max(100).exactOptional(),
    circuitOpenMs: z.number().int().min(1_000).max(86_400_000).exactOptional(),
  })
  .strict();

/**
 * The problems of a pair of backoff bounds: a first delay longer than the
 * longest delay contradicts itself (cockatiel would silently clamp it).
 *
 * @param initialBackoffMs - first retry delay, in ms
 * @param maxBackoffMs - longest retry delay, in ms
 * @param prefix - prefix of the field paths, e.g. `politeness.`
 * @returns one issue per field when `initialBackoffMs > maxBackoffMs`, else none
 */
export function backoffBoundsIssues(initialBackoffMs: number, maxBackoffMs: number, prefix = ''): InputIssue[] {
  if (initialBackoffMs <= maxBackoffMs) return [];
  return [
    { path: `${prefix}initialBackoffMs`, message: `must not exceed ${prefix}maxBackoffMs (${initialBackoffMs} > ${maxBackoffMs})` },
    { path: `${prefix}maxBackoffMs`, message: `must be at least ${prefix}initialBackoffMs (${maxBackoffMs} < ${initialBackoffMs})` },
  ];
}

/**
 * Fills the unset fields of `options` from `defaults`, and checks that the
 * result makes sense as a whole.
 *
 * @param options - what the caller set (already checked field by field with {@link politenessOptionsSchema})
 * @param defaults - {@link DEFAULT_POLITENESS_OPTIONS} or {@link REPLAY_POLITENESS_OPTIONS}
 * @returns every field resolved, frozen
 * @throws `InvalidInputError` (core) naming `politeness.initialBackoffMs` and `politeness.maxBackoffMs` when the
 *   first backoff (set, or the default) exceeds the longest one
 */
export function resolvePolitenessOptions(
  options: PolitenessOptions | undefined,
  defaults: ResolvedPolitenessOptions = DEFAULT_POLITENESS_OPTIONS,
): ResolvedPolitenessOptions {
  const o = options ?? {};
  const issues = backoffBoundsIssues(
    o.initialBackoffMs ?? defaults.initialBackoffMs,
    o.maxBackoffMs ?? defaults.maxBackoffMs,
    'politeness.',
  );
  if (issues.length > 0) throw new InvalidInputError('politeness options', issues);
  return Object.freeze({
    pageRequestsPerSecond: o.pageRequestsPerSecond === undefined ? defaults.pageRequestsPerSecond : o.pageRequestsPerSecond,
    photoRequestsPerSecond: o.photoRequestsPerSecond === undefined ? defaults.photoRequestsPerSecond : o.photoRequestsPerSecond,
    jitterMs: o.jitterMs ?? defaults.jitterMs,
    pageConcurrency: o.pageConcurrency ?? defaults.pageConcurrency,
    photoConcurrency: o.photoConcurrency ?? defaults.photoConcurrency,
    maxRetries: o.maxRetries ?? defaults.maxRetries,
    initialBackoffMs: o.initialBackoffMs ?? defaults.initialBackoffMs,
    maxBackoffMs: o.maxBackoffMs ?? defaults.maxBackoffMs,
    blocksToOpenCircuit: o.blocksToOpenCircuit ?? defaults.blocksToOpenCircuit,
    circuitOpenMs: o.circuitOpenMs ?? defaults.circuitOpenMs,
  });
}
