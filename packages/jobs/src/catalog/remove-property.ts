import { NotFoundError } from '@phx/core';
import type { CatalogProperty } from './catalog-property.js';
import type { PropertyCatalog } from './property-catalog.js';
import { PropertyInUseError } from './property-in-use-error.js';

/** What {@link removeUnusedProperty} asks of the jobs: `JobService.activeJobsWithProperty` satisfies it. */
export interface ActiveJobsLookup {
  /**
   * Names the pending and running jobs that include a property.
   *
   * @param propertyId - the property id
   * @returns the jobs (empty when none)
   */
  activeJobsWithProperty(propertyId: string): Promise<readonly { readonly id: string }[]>;
}

/**
 * Removes a property from the catalog unless a job that has not ended
 * includes it (its jobs and stored photos stay). What the CLI's
 * `properties remove` and GraphQL's `removeProperty` do.
 *
 * @param catalog - the catalog
 * @param jobs - where the jobs are looked up
 * @param idOrAddress - the property's id, or its address in any case and spacing
 * @returns the removed property as it was
 * @throws core's NotFoundError when the catalog has no such property
 * @throws {@link PropertyInUseError} (`PROPERTY_IN_USE`, GraphQL `CONFLICT`) naming the pending or running jobs that include it
 */
export async function removeUnusedProperty(
  catalog: PropertyCatalog,
  jobs: ActiveJobsLookup,
  idOrAddress: string,
): Promise<CatalogProperty> {
  const property = await catalog.get(idOrAddress);
  if (property === null) throw new NotFoundError('property', idOrAddress, { where: 'the catalog' });
  const active = await jobs.activeJobsWithProperty(property.id);
  if (active.length > 0)
    throw new PropertyInUseError(
      property.id,
      active.map((job) => job.id),
    );
  await catalog.remove(property.id);
  return property;
}
