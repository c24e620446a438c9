import { parseArgs } from 'node:util';
import { percentile } from './jobs-stats.js';

/** The targets of issue 16 item 5, in ms. */
export const API_SCALE_TARGETS = Object.freeze({ cancelMs: 2_000, queryMs: 100 });

/** Settings of `npm run bench:api-scale`, from its command line. */
export interface ApiScaleSettings {
  /** Job sizes in properties, ascending; default 500, 5 000, 50 000. */
  readonly sizes: readonly number[];
  /** Calls of each timed query per size; default 20. */
  readonly calls: number;
  /** One-property jobs made (and cancelled) before the first size, so `jobs(first: 20)` lists a full page; default 40. */
  readonly otherJobs: number;
  /** Finished properties the running job must have before its cancel is timed; default 10. */
  readonly minFinished: number;
  /** Longest a phase (import, waiting for the run, a cancel) may take before the size is stopped, in ms; default 300 000. */
  readonly phaseLimitMs: number;
}

/**
 * Reads the command line of `npm run bench:api-scale`.
 *
 * @param args - the arguments after the script, e.g. `['--sizes', '10,100']`
 * @returns the settings, sizes sorted ascending and without repeats
 * @throws Error naming the bad option (sizes 1..100 000, calls 1..1 000, other jobs 0..1 000, min finished 1..1 000,
 *   phase limit 1..3 600 s) or an unknown one
 * @example
 * ```ts
 * import { parseApiScaleArgs } from './api-scale-report.js';
 * const settings = parseApiScaleArgs(['--sizes', '50,5', '--calls', '5']);
 * // settings.sizes: [5, 50]; settings.calls: 5
 * ```
 */
export function parseApiScaleArgs(args: readonly string[]): ApiScaleSettings {
  const { values } = parseArgs({
    args: [...args],
    options: {
      sizes: { type: 'string', default: '500,5000,50000' },
      calls: { type: 'string', default: '20' },
      'other-jobs': { type: 'string', default: '40' },
      'min-finished': { type: 'string', default: '10' },
      'phase-limit-seconds': { type: 'string', default: '300' },
    },
  });
  const whole = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} ${text} is not a whole number from ${min} to ${max}`);
    }
    return n;
  };
  const sizes = values.sizes.split(',').map((s) => whole('sizes', s, 1, 100_000));
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    calls: whole('calls', values.calls, 1, 1_000),
    otherJobs: whole('other-jobs', values['other-jobs'], 0, 1_000),
    minFinished: whole('min-finished', values['min-finished'], 1, 1_000),
    phaseLimitMs: whole('phase-limit-seconds', values['phase-limit-seconds'], 1, 3_600) * 1_000,
  };
}

/** Median and maximum of a set of timings, in ms. */
export interface Timing {
  readonly medianMs: number;
  readonly maxMs: number;
}

/** The timing of one query and the local FerretDB's CPU per call (`null` when not measured), in ms. */
export interface QueryTiming extends Timing {
  readonly dbCpuMsPerCall: number | null;
}

/**
 * Median (nearest rank) and maximum of timings.
 *
 * @param samplesMs - timings in ms, any order; empty gives `NaN` for both
 * @returns the median and maximum
 */
export function timingOf(samplesMs: readonly number[]): Timing {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { medianMs: percentile(sorted, 50), maxMs: sorted.at(-1) ?? Number.NaN };
}

/** The figures of one size; `null` where the phase did not run or passed its limit. */
export interface ApiScaleRow {
  /** Properties of the job. */
  readonly size: number;
  /** `job(id)` with its status, counters, `propertiesListed` and `properties(first: 20)`. */
  readonly job: QueryTiming | null;
  /** The same `job(id)` without `properties(first: 20)` (the job document alone; no target of its own). */
  readonly jobFields: QueryTiming | null;
  /** The console's job list (`jobs(first: 20)` with counters). */
  readonly jobs: QueryTiming | null;
  /** `job(id) { failureGroups }`, which the console's job page also asks for (no target of its own). */
  readonly failureGroups: QueryTiming | null;
  /** `cancelJob` of the job while pending (no worker), in ms. */
  readonly cancelPendingMs: number | null;
  /**
   * `cancelJob` of a job whose worker is still listing its selection (`listed` `false`; `true` when the benchmark saw
   * it listed already): until it answered, in ms, whether that answer was `CANCELLED`, and until the run was released.
   */
  readonly cancelListing: {
    readonly answerMs: number;
    readonly cancelled: boolean;
    readonly releasedMs: number;
    readonly listed: boolean;
  } | null;
  /** `cancelJob` of the running job until it answered, in ms, and whether that answer was `CANCELLED`. */
  readonly cancelRunning: { readonly answerMs: number; readonly cancelled: boolean } | null;
  /** From the running cancel's start until the job was final and its run lease released, in ms. */
  readonly releasedMs: number | null;
  /** FerretDB CPU from the running cancel's start to the release, in ms (`null` when not measured). */
  readonly cancelDbCpuMs: number | null;
}

const COLUMNS = [
  'properties',
  'job(id) med / max (DB CPU)',
  'without properties',
  'jobs(first:20) med / max (DB CPU)',
  'failureGroups med / max (DB CPU)',
  'cancel pending',
  'cancel listing / released',
  'cancel running',
  'released',
  'cancel DB CPU',
] as const;

function ms(value: number | null): string {
  return value === null || Number.isNaN(value) ? '-' : `${Math.round(value)}`;
}

function answered(cancel: { readonly answerMs: number; readonly cancelled: boolean }): string {
  return `${ms(cancel.answerMs)}${cancel.cancelled ? '' : ' (not cancelled)'}`;
}

function timing(t: QueryTiming | null): string {
  return t === null ? '-' : `${ms(t.medianMs)} / ${ms(t.maxMs)} (${ms(t.dbCpuMsPerCall)})`;
}

/**
 * Formats the benchmark's rows as one Markdown table (ms throughout; DB CPU: the local FerretDB's CPU per call of a
 * query, and from a running cancel to the release), a running cancel that answered before the job was cancelled marked
 * `(not cancelled)`, a listing cancel that came after the list was written `(listed)`.
 *
 * @param rows - one row per size
 * @returns the table's lines, header first
 */
export function formatApiScaleTable(rows: readonly ApiScaleRow[]): string[] {
  const cells = rows.map((r) => [
    r.size.toLocaleString('en-US'),
    timing(r.job),
    timing(r.jobFields),
    timing(r.jobs),
    timing(r.failureGroups),
    ms(r.cancelPendingMs),
    r.cancelListing === null
      ? '-'
      : `${answered(r.cancelListing)} / ${ms(r.cancelListing.releasedMs)}${r.cancelListing.listed ? ' (listed)' : ''}`,
    r.cancelRunning === null ? '-' : answered(r.cancelRunning),
    ms(r.releasedMs),
    ms(r.cancelDbCpuMs),
  ]);
  const line = (values: readonly string[]): string => `| ${values.join(' | ')} |`;
  return [line(COLUMNS), line(COLUMNS.map(() => '---')), ...cells.map(line)];
}

/**
 * Compares each row with the targets of issue 16 (queries within 100 ms at the median and maximum, cancels within 2 s).
 *
 * @param rows - one row per size
 * @returns one line per figure that misses its target or was not measured; empty when every figure meets it
 */
export function targetMisses(rows: readonly ApiScaleRow[]): string[] {
  const misses: string[] = [];
  for (const r of rows) {
    const size = `${r.size.toLocaleString('en-US')} properties`;
    const queries: [string, Timing | null][] = [
      ['job(id)', r.job],
      ['jobs(first: 20)', r.jobs],
    ];
    for (const [name, t] of queries) {
      if (t === null) misses.push(`${size}: ${name} not measured`);
      else if (t.maxMs > API_SCALE_TARGETS.queryMs) {
        misses.push(`${size}: ${name} median ${ms(t.medianMs)} ms, max ${ms(t.maxMs)} ms (target ${API_SCALE_TARGETS.queryMs} ms)`);
      }
    }
    const cancels: [string, number | null][] = [
      ['cancel pending', r.cancelPendingMs],
      ['cancel listing', r.cancelListing?.cancelled === false ? null : (r.cancelListing?.answerMs ?? null)],
      ['cancel running', r.cancelRunning?.cancelled === false ? null : (r.cancelRunning?.answerMs ?? null)],
    ];
    for (const [name, value] of cancels) {
      if (value === null) misses.push(`${size}: ${name} not measured or not cancelled in its answer`);
      else if (value > API_SCALE_TARGETS.cancelMs)
        misses.push(`${size}: ${name} ${ms(value)} ms (target ${API_SCALE_TARGETS.cancelMs} ms)`);
    }
  }
  return misses;
}
