import type { Db } from 'mongodb';
import type { PropertyId } from '@phx/core';
import { PHOTOS_COLLECTION, photoCollectionName } from '../repository/photo-partitions.js';

interface CensusDocument {
  readonly sha256: string;
  readonly duplicates?: readonly { readonly sha256: string }[];
  readonly jobIds?: readonly string[];
}

/** Options of {@link JobPhotoCensus}. */
export interface JobPhotoCensusOptions {
  /** Database of the photo records (see `MongoPhotoRepository`). Borrowed. */
  readonly db: Db;
  /** Name the partitions of the photo records are named after (see `photoCollectionName`); default `photos`. */
  readonly collectionName?: string;
}

/**
 * Tells which photo records of a property a job created. A record's
 * `jobIds` lists the jobs that saw it in the order they first did, so the
 * job that created it comes first. A run that redoes a property (a retry,
 * or the resume of a property an earlier run of the job left unfinished)
 * finds the photos the earlier attempt stored already recorded; this lets it
 * count them as a clean run would (new), not as known photos. Reads the
 * property's partition only (`photoCollectionName`).
 */
export class JobPhotoCensus {
  private readonly db: Db;
  private readonly baseName: string;

  /**
   * @param options - database and collection name
   */
  constructor(options: JobPhotoCensusOptions) {
    this.db = options.db;
    this.baseName = options.collectionName ?? PHOTOS_COLLECTION;
  }

  /**
   * Reads the records of a property that a job created.
   *
   * @param jobId - the job
   * @param propertyId - the property
   * @returns for each hash (canonical or of a merged duplicate copy) of those
   *   records, the canonical hash of its record
   * @throws the driver's error when MongoDB cannot be read
   */
  async createdBy(jobId: string, propertyId: PropertyId): Promise<ReadonlyMap<string, string>> {
    const docs = await this.db
      .collection<CensusDocument>(photoCollectionName(propertyId, this.baseName))
      .find({ propertyId, jobIds: jobId }, { projection: { _id: 0, sha256: 1, 'duplicates.sha256': 1, jobIds: 1 } })
      .toArray();
    const byHash = new Map<string, string>();
    for (const doc of docs) {
      if (doc.jobIds?.[0] !== jobId) continue;
      byHash.set(doc.sha256, doc.sha256);
      for (const d of doc.duplicates ?? []) byHash.set(d.sha256, doc.sha256);
    }
    return byHash;
  }
}
