import { JobError } from '../errors/index.js';

/**
 * A property cannot be removed from the catalog while a pending or running
 * job includes it. Code `PROPERTY_IN_USE` (GraphQL `CONFLICT`); cancel the
 * job or wait for it to end.
 */
export class PropertyInUseError extends JobError {
  /** The property. */
  readonly propertyId: string;
  /** Ids of the pending or running jobs that include it. */
  readonly jobIds: readonly string[];

  /**
   * @param propertyId - the property
   * @param jobIds - the jobs that include it (at least one)
   */
  constructor(propertyId: string, jobIds: readonly string[]) {
    super(
      'PROPERTY_IN_USE',
      `Property "${propertyId}" is in ${jobIds.length === 1 ? 'job' : 'jobs'} ${jobIds.join(', ')}, not yet ended; cancel it or wait for its end, then remove the property`,
      jobIds[0] ?? null,
      'permanent',
    );
    this.propertyId = propertyId;
    this.jobIds = jobIds;
  }
}
