import {
  PHOTO_COUNTER_NAMES,
  ZERO_COUNTERS,
  addCounters,
  applyExtractionEvent,
  countOutcomes,
  maxCounters,
  outcomeCounters,
} from '@phx/core';
import type { ExtractionCounters, ExtractionEvent, PropertyId, PropertyOutcome } from '@phx/core';
import type { JobProgress } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';

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
 * Cost per event: the counters of the finished outcomes are running totals
 * (one outcome added as it finishes; the earlier deferrals recounted only
 * when one of them is redone), so folding an event and reading `live()`
 * costs the same at the first and the 50,000th property. The outcome lists
 * of a `JobProgress` are built only when read (a progress write reads them),
 * from the outcomes as they were when it was taken.
 */
export class JobProgressState {
  private readonly totalProperties: number;
  /** Counters of the properties under way, from the events of their current attempt. */
  private readonly partial = new Map<PropertyId, ExtractionCounters>();
  private readonly outcomes: PropertyOutcome[];
  /** `deferred` outcomes of earlier runs whose properties this run has not finished yet. */
  private readonly carried = new Map<PropertyId, PropertyOutcome>();
  private readonly finished = new Set<PropertyId>();
  private readonly dryRun: boolean;
  private readonly order: ReadonlyMap<PropertyId, number>;
  /** Running total of the counters of `outcomes` (`totalProperties` 0). */
  private finishedTotals: ExtractionCounters;
  /** The counters of the `carried` outcomes (`totalProperties` 0), recounted when one leaves. */
  private carriedTotals: ExtractionCounters;
  /** The live counters shown so far: the highest value of each. */
  private shown: ExtractionCounters;

  /**
   * @param job - the job as the run found it
   * @param lastShown - the counters of the job's last event (`JobEventLog.lastEvent`), or `null`
   *   when it has none; the live counters start no lower than these
   */
  constructor(job: StoredExtractionJob, lastShown: ExtractionCounters | null = null) {
    this.dryRun = job.dryRun;
    this.order = new Map(job.properties.map((p, i) => [p.id, i]));
    this.outcomes = job.propertyOutcomes.filter((o) => o.status !== 'deferred');
    for (const outcome of job.propertyOutcomes) if (outcome.status === 'deferred') this.carried.set(outcome.propertyId, outcome);
    for (const outcome of this.outcomes) this.finished.add(outcome.propertyId);
    this.totalProperties = job.totalProperties;
    this.finishedTotals = countOutcomes(this.outcomes, 0, this.dryRun);
    this.carriedTotals = countOutcomes([...this.carried.values()], 0, this.dryRun);
    const start = highest(this.finishedCounters(), job);
    this.shown = lastShown === null ? start : highest(start, lastShown);
  }

  /** The `deferred` outcomes of earlier runs, by property, for the properties this run has not finished yet. */
  get carriedDeferrals(): ReadonlyMap<PropertyId, PropertyOutcome> {
    return new Map(this.carried);
  }

  /** Ids of the properties with an outcome. */
  get finishedPropertyIds(): readonly PropertyId[] {
    return [...this.finished];
  }

  /** Number of properties with an outcome. */
  get finishedCount(): number {
    return this.finished.size;
  }

  /** `true` when at least one finished property did not fail: completed, `partial` or `deferred` (the job then completes). */
  get anyCompleted(): boolean {
    return this.outcomes.some((o) => o.status !== 'failed');
  }

  /** The finished outcomes, in finishing order. */
  get propertyOutcomes(): readonly PropertyOutcome[] {
    return this.outcomes;
  }

  /**
   * Folds one event in. A second `property-finished` of the same property is ignored.
   *
   * @param event - an event of the extraction
   * @returns `true` when the event finished a property
   */
  apply(event: ExtractionEvent): boolean {
    if (event.type === 'property-finished') {
      if (this.finished.has(event.outcome.propertyId)) return false;
      this.finished.add(event.outcome.propertyId);
      if (this.carried.delete(event.outcome.propertyId)) this.carriedTotals = countOutcomes([...this.carried.values()], 0, this.dryRun);
      this.outcomes.push(event.outcome);
      this.finishedTotals = addCounters(this.finishedTotals, outcomeCounters(event.outcome, this.dryRun));
      this.partial.delete(event.outcome.propertyId);
      return true;
    }
    const before = event.type === 'property-started' ? ZERO_COUNTERS : (this.partial.get(event.propertyId) ?? ZERO_COUNTERS);
    this.partial.set(event.propertyId, applyExtractionEvent(before, event));
    return false;
  }

  /**
   * @returns the live counters (including photos of unfinished properties), each the highest it has
   *   been in this run or in the job document it started from, and the outcomes
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

  /** The counters of the finished outcomes and the earlier deferrals not redone yet, from the running totals. */
  private finishedCounters(): ExtractionCounters {
    return { ...addCounters(this.finishedTotals, this.carriedTotals), totalProperties: this.totalProperties };
  }

  /**
   * The progress with these counters; its lists are built on first read from the outcomes as they are now:
   * this run's finished outcomes (append-only, so their count marks them), then the earlier deferrals not redone
   * yet (kept should the run stop before it redoes them).
   */
  private toProgress(counters: ExtractionCounters): JobProgress {
    const finished = this.outcomes;
    const finishedCount = finished.length;
    const carried = this.carried.size === 0 ? [] : [...this.carried.values()];
    const order = this.order;
    let outcomes: PropertyOutcome[] | null = null;
    let failed: string[] | null = null;
    const all = (): PropertyOutcome[] => (outcomes ??= [...finished.slice(0, finishedCount), ...carried]);
    return {
      ...counters,
      get failedPropertiesList(): readonly string[] {
        return (failed ??= all()
          .filter((o) => o.status === 'failed')
          .sort((a, b) => (order.get(a.propertyId) ?? 0) - (order.get(b.propertyId) ?? 0))
          .map((o) => o.address));
      },
      get propertyOutcomes(): readonly PropertyOutcome[] {
        return all();
      },
    };
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
