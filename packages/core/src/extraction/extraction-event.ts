import type { ContentHash, PropertyId } from '../model/ids.js';
import type { ExtractionFailure, PropertyOutcome } from '../model/extraction-job.js';
import type { PageFetchMode } from '../model/fetch-mode.js';
import type { Source } from '../model/source.js';
import type { FileProblem } from './photo-index.js';

/**
 * What happened while extracting, as it happens. The job layer folds these
 * into the job's counters (see `applyExtractionEvent`) and publishes them.
 */
export type ExtractionEvent =
  | { readonly type: 'property-started'; readonly propertyId: PropertyId; readonly address: string }
  | {
      readonly type: 'photos-listed';
      readonly propertyId: PropertyId;
      readonly source: Source;
      /** Photos in the gallery. */
      readonly count: number;
      /** What served the listing page (`ListingPhotos.fetchMode`); absent when the scraper does not say. */
      readonly fetchMode?: PageFetchMode;
    }
  | {
      readonly type: 'photo-stored';
      readonly propertyId: PropertyId;
      readonly source: Source;
      readonly photoId: string;
      readonly sha256: ContentHash;
      /** `true` when new for the property, `false` when a duplicate. */
      readonly created: boolean;
    }
  | {
      /** A photo listed in a dry run (nothing downloaded). */
      readonly type: 'photo-listed-dry-run';
      readonly propertyId: PropertyId;
      readonly source: Source;
      readonly photoId: string;
    }
  | {
      /**
       * A photo already recorded (same photo id on the source, or same URL): not downloaded again, last-seen moved;
       * or downloaded again only to store its missing or damaged files again (`filesRestored`).
       */
      readonly type: 'photo-unchanged';
      readonly propertyId: PropertyId;
      readonly source: Source;
      readonly photoId: string;
      /** The record's canonical hash. */
      readonly sha256: ContentHash;
      /**
       * Set when the photo was downloaded again because one of its record's
       * files was missing or had another size than recorded (damaged), and
       * its files were stored again; absent otherwise.
       */
      readonly filesRestored?: FileProblem;
    }
  | {
      /** A complete re-run marked recorded photos that are no longer listed as removed. */
      readonly type: 'photos-removed';
      readonly propertyId: PropertyId;
      /** How many records were newly marked. */
      readonly count: number;
    }
  | { readonly type: 'photo-failed'; readonly propertyId: PropertyId; readonly failure: ExtractionFailure }
  | { readonly type: 'property-finished'; readonly outcome: PropertyOutcome };

/** Receives extraction events. Must not throw; may be called concurrently for different properties. */
export type ExtractionEventListener = (event: ExtractionEvent) => void;
