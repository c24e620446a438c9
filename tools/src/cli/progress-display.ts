import { styleText } from 'node:util';
import cliProgress from 'cli-progress';
import { finishedProperties, photosSeen } from '@phx/core/model';
import type { ExtractionCounters, ExtractionFailure, JobStatus, PropertyOutcome } from '@phx/core/model';
import { countOf, formatProgressLine } from '../report/counter-text.js';
import { formatFailedProperty, formatFailure } from './job-report.js';

/**
 * How a run's progress is shown:
 *
 * - `tty`: an updating display on a terminal (overall bar with rate and ETA,
 *   the properties in flight, failures as they happen)
 * - `plain`: a line every few seconds and one per failure, no escape codes (a pipe, CI, `TERM=dumb`)
 * - `json`: one JSON object per line (NDJSON) on stdout, for scripts (`--json`)
 */
export type ProgressMode = 'tty' | 'plain' | 'json';

/** What decides the {@link ProgressMode}. */
export interface ProgressModeInput {
  /** `--json` was given. */
  readonly json: boolean;
  /** The progress stream (stderr) is a terminal. */
  readonly isTty: boolean;
  /** A CI service runs the CLI (`CI` set, not `false`/`0`), or the terminal is `TERM=dumb`: no cursor movement. */
  readonly plainTerminal: boolean;
}

/**
 * Picks how progress is shown: `json` when asked, `tty` on a terminal that
 * can redraw, else `plain`.
 *
 * @param input - the flags and the terminal
 * @returns the mode
 */
export function chooseProgressMode(input: ProgressModeInput): ProgressMode {
  if (input.json) return 'json';
  return input.isTty && !input.plainTerminal ? 'tty' : 'plain';
}

/** A property a run has started and not finished. */
export interface PropertyInFlight {
  readonly propertyId: string;
  readonly address: string;
}

/** One view of a followed job: its status, counters and properties in flight. */
export interface ProgressSnapshot extends ExtractionCounters {
  readonly jobId: string;
  readonly status: JobStatus;
  /** Started, not finished, in the order they started. */
  readonly inFlight: readonly PropertyInFlight[];
  /** Since the display started following the job, in ms. */
  readonly elapsedMs: number;
}

/**
 * A display of a followed job. The follower calls {@link ProgressDisplay.update}
 * for each change, {@link ProgressDisplay.failure} once per failed property
 * and {@link ProgressDisplay.stop} once at the end; the display decides what
 * to print and when.
 */
export interface ProgressDisplay {
  /** A new snapshot. */
  update(snapshot: ProgressSnapshot): void;
  /** A property failed; `outcome.failures` says why. */
  failure(outcome: PropertyOutcome): void;
  /** The job was followed to its end (or the follower stopped): the last snapshot; timers end, the cursor comes back. */
  stop(last: ProgressSnapshot): void;
}

/** Where and how often a display writes. */
export interface ProgressDisplayOptions {
  /** The mode (see {@link chooseProgressMode}). */
  readonly mode: ProgressMode;
  /** Progress stream (stderr) for `tty` and `plain`. Borrowed. */
  readonly stream: NodeJS.WriteStream;
  /** Writes one line of results (stdout): the `json` events. */
  readonly writeOut: (line: string) => void;
  /** `plain`: ms between two lines while nothing else is printed (a status change prints at once); at least 100. */
  readonly intervalMs: number;
}

/**
 * Makes the display of a mode.
 *
 * @param options - mode, streams, interval
 * @returns a display that has printed nothing yet
 */
export function createProgressDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  switch (options.mode) {
    case 'json':
      return new JsonProgress(options.writeOut);
    case 'plain':
      return new PlainProgress((line) => options.stream.write(`${line}\n`), Math.max(100, options.intervalMs));
    case 'tty':
      return new TtyProgress(options.stream);
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1).padStart(6)}s`;

/** Properties done per minute so far, `12/min`, or `-/min` before the first property is done. */
function rateText(s: ProgressSnapshot): string {
  const done = finishedProperties(s);
  if (done === 0 || s.elapsedMs <= 0) return '-/min';
  const perMin = (done * 60_000) / s.elapsedMs;
  return `${perMin >= 10 ? perMin.toFixed(0) : perMin.toFixed(1)}/min`;
}

/** Time left at the rate so far: `1m05s`, or `-` before the first property is done. */
function etaText(s: ProgressSnapshot): string {
  const done = finishedProperties(s);
  if (done === 0) return '-';
  const leftMs = ((s.totalProperties - done) * s.elapsedMs) / done;
  const total = Math.round(leftMs / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

/** A line every `intervalMs` (and at once on a status change), each failure as it comes: what a log or CI shows. */
class PlainProgress implements ProgressDisplay {
  private last: ProgressSnapshot | null = null;
  private lastStatus: JobStatus | null = null;
  /** Wall clock of the display's start and of the last line, in ms. */
  private startedAt = Date.now();
  private printedAt = -Infinity;
  private printedLine = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs: number,
  ) {}

  update(snapshot: ProgressSnapshot): void {
    if (this.last === null) this.startedAt = Date.now() - snapshot.elapsedMs;
    this.last = snapshot;
    // A line every interval even when nothing changed: a log shows the run is alive, and for how long.
    this.timer ??= setInterval(() => {
      if (Date.now() - this.printedAt >= this.intervalMs) this.print();
    }, this.intervalMs).unref();
    if (snapshot.status !== this.lastStatus || Date.now() - this.printedAt >= this.intervalMs) this.print();
  }

  failure(outcome: PropertyOutcome): void {
    this.write(`[${seconds(Date.now() - this.startedAt)}] ! ${formatFailedProperty(outcome)}`);
  }

  stop(last: ProgressSnapshot): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    // The last state is printed once, whether or not a tick showed it.
    this.last = last;
    if (formatProgressLine(last) !== this.printedLine) this.print();
  }

  private print(): void {
    const s = this.last;
    if (s === null) return;
    this.lastStatus = s.status;
    this.printedAt = Date.now();
    this.printedLine = formatProgressLine(s);
    const inFlight = s.inFlight.length === 0 ? '' : `  in flight: ${s.inFlight.length}`;
    this.write(`[${seconds(this.printedAt - this.startedAt)}] ${this.printedLine}${inFlight}`);
  }
}

/**
 * One failure of a property as `--json` prints it.
 *
 * @param f - the failure
 * @returns `{ source, code, message, url }` (`source` null for the property as a whole, `url` null when none)
 */
export function failureJson(f: ExtractionFailure): {
  readonly source: string | null;
  readonly code: string;
  readonly message: string;
  readonly url: string | null;
} {
  return { source: f.source, code: f.code, message: f.message, url: f.url };
}

/** The least time between two `progress` events that only photo counters tell apart, in ms. */
const JSON_PHOTO_EVENT_INTERVAL_MS = 1_000;

/** NDJSON events on stdout (shape in the README's CLI section). */
class JsonProgress implements ProgressDisplay {
  private lastKey = '';
  private lastDone = -1;
  private lastStatus: JobStatus | null = null;
  private emittedAt = -Infinity;

  constructor(private readonly writeOut: (line: string) => void) {}

  update(snapshot: ProgressSnapshot): void {
    const done = finishedProperties(snapshot);
    const due =
      snapshot.status !== this.lastStatus || done !== this.lastDone || snapshot.elapsedMs - this.emittedAt >= JSON_PHOTO_EVENT_INTERVAL_MS;
    if (due) this.emit(snapshot);
  }

  failure(outcome: PropertyOutcome): void {
    this.writeOut(
      JSON.stringify({
        type: 'failure',
        propertyId: outcome.propertyId,
        address: outcome.address,
        status: outcome.status,
        failures: outcome.failures.map(failureJson),
      }),
    );
  }

  stop(last: ProgressSnapshot): void {
    this.emit(last);
  }

  private emit(s: ProgressSnapshot): void {
    const event = progressEvent(s);
    const key = JSON.stringify({ ...event, elapsedMs: 0 });
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.lastDone = event.propertiesDone;
    this.lastStatus = s.status;
    this.emittedAt = s.elapsedMs;
    this.writeOut(JSON.stringify(event));
  }
}

/**
 * The `progress` event of `--json`: a snapshot with the two derived numbers.
 *
 * @param s - the snapshot
 * @returns `{ type: 'progress', jobId, status, elapsedMs, propertiesDone, photos, counters, inFlight }`
 */
export function progressEvent(s: ProgressSnapshot): {
  readonly type: 'progress';
  readonly jobId: string;
  readonly status: JobStatus;
  readonly elapsedMs: number;
  readonly propertiesDone: number;
  readonly photos: number;
  readonly counters: ExtractionCounters;
  readonly inFlight: readonly PropertyInFlight[];
} {
  const { jobId, status, elapsedMs, inFlight, ...counters } = s;
  return {
    type: 'progress',
    jobId,
    status,
    elapsedMs,
    propertiesDone: finishedProperties(s),
    photos: photosSeen(s),
    counters,
    inFlight,
  };
}

/** Cuts a line into pieces of at most `width` characters, the later ones indented by 4 spaces. */
function wrap(line: string, width: number): string[] {
  const room = Math.max(20, width - 4);
  if (line.length <= width) return [line];
  const pieces = [line.slice(0, width)];
  for (let at = width; at < line.length; at += room) pieces.push(`    ${line.slice(at, at + room)}`);
  return pieces;
}

/** Most properties in flight the terminal display lists (a job runs 3 at once by default, 32 at most). */
const TTY_IN_FLIGHT_ROWS = 6;

/** The updating terminal display: cli-progress bars redrawn in place on stderr. */
class TtyProgress implements ProgressDisplay {
  private readonly bars: cliProgress.MultiBar;
  private overall: cliProgress.SingleBar | null = null;
  private readonly rows: cliProgress.SingleBar[] = [];
  private last: ProgressSnapshot | null = null;
  private readonly color: boolean;
  private startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly stream: NodeJS.WriteStream) {
    // hasColors() reads NO_COLOR, FORCE_COLOR and TERM.
    this.color = stream.hasColors();
    this.bars = new cliProgress.MultiBar(
      {
        stream,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        linewrap: false,
        autopadding: false,
        fps: 5,
        barsize: 30,
        format: '{bar} {text}',
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(snapshot: ProgressSnapshot): void {
    if (this.last === null) this.startedAt = Date.now() - snapshot.elapsedMs;
    this.last = snapshot;
    this.timer ??= setInterval(() => this.redraw(), 1_000).unref();
    this.redraw();
  }

  failure(outcome: PropertyOutcome): void {
    const [first, ...more] = outcome.failures;
    const head = `✗ ${first === undefined ? formatFailedProperty(outcome) : `${outcome.address}: ${formatFailure(first)}`}`;
    // The display turns the terminal's line wrap off while it draws: a long reason is wrapped here, not cut.
    const lines = [head, ...more.map((f) => `    ${formatFailure(f)}`)].flatMap((line) => wrap(line, this.columns())).join('\n');
    this.bars.log(`${this.color ? styleText('red', lines) : lines}\n`);
  }

  stop(last: ProgressSnapshot): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.last = { ...last, inFlight: [] };
    this.redraw();
    // A failure logged since the last render is written only by a render: cli-progress's stop() drops it (a run of
    // well under a second lost its failure line).
    this.bars.update();
    this.bars.stop();
  }

  /** The terminal's width in columns (80 when it does not say). */
  private columns(): number {
    return this.stream.columns > 0 ? this.stream.columns : 80;
  }

  private redraw(): void {
    const s = this.last;
    if (s === null) return;
    // Between events the clock runs on: elapsed time, rate and ETA move.
    const view = this.timer === null ? s : { ...s, elapsedMs: Date.now() - this.startedAt };
    const done = finishedProperties(view);
    const text =
      `${done}/${view.totalProperties} properties done | ${rateText(view)} | ETA ${etaText(view)} | ` +
      `${countOf(photosSeen(view), 'photo')} | ${view.failedProperties} failed | ${seconds(view.elapsedMs).trim()}` +
      (view.status === 'in_progress' ? '' : ` | ${view.status}`);
    if (this.overall === null) this.overall = this.bars.create(Math.max(1, view.totalProperties), done, { text });
    else this.overall.update(done, { text });
    this.overall.setTotal(Math.max(1, view.totalProperties));
    this.showInFlight(view.inFlight);
  }

  private showInFlight(inFlight: readonly PropertyInFlight[]): void {
    const wanted = inFlight.slice(0, TTY_IN_FLIGHT_ROWS).map((p) => `  ↳ ${p.address}`);
    if (inFlight.length > TTY_IN_FLIGHT_ROWS) wanted.push(`  … and ${inFlight.length - TTY_IN_FLIGHT_ROWS} more in flight`);
    while (this.rows.length > wanted.length) {
      const row = this.rows.pop();
      if (row !== undefined) this.bars.remove(row);
    }
    wanted.forEach((text, i) => {
      const row = this.rows[i];
      if (row === undefined) this.rows.push(this.bars.create(1, 0, { text }, { format: '{text}' }));
      else row.update(0, { text });
    });
  }
}
