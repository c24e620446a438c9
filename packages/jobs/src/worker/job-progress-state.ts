import {
  PHOTO_COUNTER_NAMES,
  ZERO_COUNTERS,
  addCounters,
  applyExtractionEvent,
  countOutcomes,
  maxCounters,
  outcomeCounters,
} from '@phx/core';
import { FAILED_PROPERTIES_LIST_LIMIT } from '@phx/core';
import type { ExtractionCounters, ExtractionEvent, PropertyId, PropertyOutcome } from '@phx/core';
import type { JobProgress } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';
import type { IndexedOutcome } from '../repository/job-property-store.js';

/**
 * The progress of one run of a job, in memory: the counters folded from
 * extraction events with core's `applyExtractionEvent`, and the outcome of
 * each finished property. Starts from the outcomes a previous run finished
 * (resume) with the counters recomputed from them, so photos of properties
 * that the previous run left unfinished are not counted twice when redone.
 * A property an earlier run `deferred` is not finished for this run: it is
 * redone, and its earlier outcome is kept (and counted) until the redo ends.
 * A finished property counts by its outcome; an unfinished one by the events
 * of its current attempt (a `property-started` event, which begins every
 * attempt, resets them), so a retried property is not counted twice either.
 * `failedPropertiesList` follows the job's property order.
 *
 * Live counters never go down while the job runs: each one shown is the
 * highest it has been, starting from the higher of the job document's
 * counters and the counters of the job's last event (what clients last saw:
 * a killed run's events can be ahead of its last throttled progress write),
 * and rises only
 * once the count now (finished outcomes plus the current attempts of the
 * unfinished properties) passes it. So photos of a property that is redone
 * (resumed, retried, redone after a database outage) are not taken back when
 * the redo starts; the redo's counts replace them once they are higher. Only
 * the end of a run with every property finished (`settled()`) counts
 * exactly from the outcomes, which may be lower than the last live
 * value when a redone property's outcome counts its photos differently
 * (e.g. photos seen as unchanged recounted as new).
 *
 * Cost per event and memory: the counters of the finished outcomes are
 * running totals (one outcome added as it finishes; the earlier deferrals
 * recounted only when one of them is redone), so folding an event and reading
 * `live()` costs the same at the first and the 50,000th property. No finished
 * outcome is kept (they are in the job's outcome store): only the ids of the
 * finished properties (to skip them), the first failed ones (the job's
 * bounded `failedPropertiesList`), and the earlier deferrals not redone yet.
 */
export class JobProgressState {
  private readonly totalProperties: number;
  /** Counters of the properties under way, from the events of their current attempt. */
  private readonly partial = new Map<PropertyId, ExtractionCounters>();
  /** `deferred` outcomes of earlier runs whose properties this run has not finished yet. */
  private readonly carried = new Map<PropertyId, IndexedOutcome>();
  private readonly finished = new Set<PropertyId>();
  /** Positions of the properties under way (see {@link JobProgressState.track}). */
  private readonly positions = new Map<PropertyId, number>();
  private readonly dryRun: boolean;
  private readonly jobId: string;
  /** The first failed finished properties by position, at most `FAILED_PROPERTIES_LIST_LIMIT`. */
  private failed: IndexedOutcome[] = [];
  /** The addresses of `failed`, built once per change of it: every event's progress shares the same frozen array. */
  private failedAddresses: readonly string[] = Object.freeze([]);
  private failedCount = 0;
  private completedCount = 0;
  /** Running total of the counters of the finished outcomes (`totalProperties` 0). */
  private finishedTotals: ExtractionCounters;
  /** The counters of the `carried` outcomes (`totalProperties` 0), recounted when one leaves. */
  private carriedTotals: ExtractionCounters;
  /** The live counters shown so far: the highest value of each. */
  private shown: ExtractionCounters;

  /**
   * @param job - the job as the run found it
   * @param outcomes - the outcomes earlier runs recorded (`JobPropertyStore.outcomes`), with their positions
   * @param lastShown - the counters of the job's last event (`JobEventLog.lastEvent`), or `null`
   *   when it has none; the live counters start no lower than these
   */
  constructor(job: StoredExtractionJob, outcomes: readonly IndexedOutcome[], lastShown: ExtractionCounters | null = null) {
    this.dryRun = job.dryRun;
    this.jobId = job.id;
    this.totalProperties = job.totalProperties;
    this.finishedTotals = { ...ZERO_COUNTERS };
    for (const entry of outcomes) {
      if (entry.outcome.status === 'deferred') this.carried.set(entry.outcome.propertyId, entry);
      else this.addFinished(entry);
    }
    this.carriedTotals = this.countCarried();
    const start = highest(this.finishedCounters(), job);
    this.shown = lastShown === null ? start : highest(start, lastShown);
  }

  /** The `deferred` outcomes of earlier runs, by property, for the properties this run has not finished yet. */
  get carriedDeferrals(): ReadonlyMap<PropertyId, PropertyOutcome> {
    return new Map([...this.carried].map(([id, entry]) => [id, entry.outcome]));
  }

  /** Ids of the properties with an outcome (one small string per finished property). */
  get finishedPropertyIds(): ReadonlySet<PropertyId> {
    return this.finished;
  }

  /** Number of properties with an outcome. */
  get finishedCount(): number {
    return this.finished.size;
  }

  /** `true` when at least one finished property did not fail: completed, `partial` or `deferred` (the job then completes). */
  get anyCompleted(): boolean {
    return this.completedCount > 0;
  }

  /** Finished properties that failed. */
  get failedPropertyCount(): number {
    return this.failedCount;
  }

  /** The finished property that failed first in the job's order, or `null`. */
  get firstFailedOutcome(): PropertyOutcome | null {
    return this.failed[0]?.outcome ?? null;
  }

  /**
   * Notes the position in the job of a property about to be extracted, so its outcome is stored with it.
   *
   * @param propertyId - the property
   * @param index - its 0-based position in the job's list
   */
  track(propertyId: PropertyId, index: number): void {
    this.positions.set(propertyId, index);
  }

  /**
   * Folds one event in. A second `property-finished` of the same property is ignored.
   *
   * @param event - an event of the extraction
   * @returns the finished outcome with its position when the event finished a property, else `null`
   * @throws Error when a property finishes that was neither tracked ({@link JobProgressState.track}) nor deferred
   *   by an earlier run: its outcome would have no position to be stored at
   */
  apply(event: ExtractionEvent): IndexedOutcome | null {
    if (event.type === 'property-finished') {
      const id = event.outcome.propertyId;
      if (this.finished.has(id)) return null;
      const index = this.positions.get(id) ?? this.carried.get(id)?.index;
      // A position is what keys the stored outcome: guessing one would let two outcomes overwrite each other.
      if (index === undefined) throw new Error(`property ${id} finished without a position in job ${this.jobId} (not tracked)`);
      this.positions.delete(id);
      if (this.carried.delete(id)) this.carriedTotals = this.countCarried();
      const entry = { index, outcome: event.outcome };
      this.addFinished(entry);
      this.partial.delete(id);
      return entry;
    }
    const before = event.type === 'property-started' ? ZERO_COUNTERS : (this.partial.get(event.propertyId) ?? ZERO_COUNTERS);
    this.partial.set(event.propertyId, applyExtractionEvent(before, event));
    return null;
  }

  /**
   * @returns the live counters (including photos of unfinished properties), each the highest it has
   *   been in this run or in the job document it started from, and the failed list
   */
  live(): JobProgress {
    let counters = this.finishedCounters();
    for (const p of this.partial.values()) counters = addPhotoCounts(counters, p);
    this.shown = highest(this.shown, counters);
    return this.toProgress(this.shown);
  }

  /** @returns the counters of the finished properties only, exact from their outcomes (the end of a run that finished every property) */
  settled(): JobProgress {
    return this.toProgress(this.finishedCounters());
  }

  private addFinished(entry: IndexedOutcome): void {
    const { outcome } = entry;
    this.finished.add(outcome.propertyId);
    this.finishedTotals = addCounters(this.finishedTotals, outcomeCounters(outcome, this.dryRun));
    if (outcome.status !== 'failed') {
      this.completedCount += 1;
      return;
    }
    this.failedCount += 1;
    const last = this.failed[this.failed.length - 1];
    if (this.failed.length >= FAILED_PROPERTIES_LIST_LIMIT && last !== undefined && last.index < entry.index) return;
    this.failed = [...this.failed, entry].sort((a, b) => a.index - b.index).slice(0, FAILED_PROPERTIES_LIST_LIMIT);
    this.failedAddresses = Object.freeze(this.failed.map((f) => f.outcome.address));
  }

  private countCarried(): ExtractionCounters {
    return countOutcomes(
      [...this.carried.values()].map((e) => e.outcome),
      0,
      this.dryRun,
    );
  }

  /** The counters of the finished outcomes and the earlier deferrals not redone yet, from the running totals. */
  private finishedCounters(): ExtractionCounters {
    return { ...addCounters(this.finishedTotals, this.carriedTotals), totalProperties: this.totalProperties };
  }

  private toProgress(counters: ExtractionCounters): JobProgress {
    return { ...counters, failedPropertiesList: this.failedAddresses };
  }
}

/** Each counter at the higher of its two values (`totalProperties` from `a`). */
function highest(a: ExtractionCounters, b: ExtractionCounters): ExtractionCounters {
  return { ...maxCounters(a, b), totalProperties: a.totalProperties };
}

/** `c` plus the photo counters of `p` (the counts of an unfinished property's current attempt). */
function addPhotoCounts(c: ExtractionCounters, p: ExtractionCounters): ExtractionCounters {
  return addCounters(c, p, PHOTO_COUNTER_NAMES);
}
