import { CoreError } from '@phx/core';
import type { FailureKind, ListingPhotos, PhotoScraper, PropertyId, ScrapeRequest, Source } from '@phx/core';

/**
 * How a property's page fails: its first `times` reads (`Infinity`: always) throw a
 * `CoreError` of `kind`, or a plain `Error` (no classification, like a driver's) when `kind` is absent.
 */
export interface PageFailurePlan {
  readonly times: number;
  readonly kind?: FailureKind;
  readonly code: string;
}

/** A `PhotoScraper` that fails the first reads of some properties' pages as planned, then reads through `inner`. */
export class FlakyScraper implements PhotoScraper {
  readonly source: Source;
  /** Property ids in the order their pages were asked for (failed reads included). */
  readonly calls: PropertyId[] = [];
  private readonly inner: PhotoScraper;
  private readonly plan: ReadonlyMap<string, PageFailurePlan>;

  constructor(inner: PhotoScraper, plan: ReadonlyMap<string, PageFailurePlan>) {
    this.source = inner.source;
    this.inner = inner;
    this.plan = plan;
  }

  /** How many times the page of `propertyId` was asked for. */
  callsFor(propertyId: string): number {
    return this.calls.filter((id) => id === propertyId).length;
  }

  async listPhotos(request: ScrapeRequest): Promise<ListingPhotos> {
    const id = request.property.id;
    this.calls.push(id);
    const plan = this.plan.get(id);
    if (plan !== undefined && this.callsFor(id) <= plan.times) {
      const message = `${this.source} page of ${id} failed (${plan.kind ?? 'unclassified'}, read ${this.callsFor(id)})`;
      throw plan.kind === undefined ? new Error(message) : new CoreError(plan.code, message, plan.kind);
    }
    return this.inner.listPhotos(request);
  }

  async releaseProperty(propertyId: PropertyId): Promise<void> {
    await this.inner.releaseProperty(propertyId);
  }
}
