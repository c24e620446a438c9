import { ZERO_COUNTERS, ZERO_OUTCOME_COUNTS, newJobId, toPropertyId } from '@phx/core';
import type { ExtractionJob, Property, PropertyOutcome } from '@phx/core';

/** A property with listing URLs on both sources. */
export function sampleProperty(n: number): Property {
  const address = `${100 + n} W Test Rd, Phoenix, AZ 850${String(n).padStart(2, '0')}`;
  return {
    id: toPropertyId(address),
    address,
    listingUrls: {
      zillow: `https://www.zillow.com/homedetails/${n}_zpid/`,
      redfin: `https://www.redfin.com/AZ/Phoenix/home/${n}`,
    },
  };
}

/** A job to create with the properties to create it with (`JobRepository.create(job, job.properties)`). */
export type SampleJob = ExtractionJob & { readonly properties: readonly Property[] };

/** A new pending job over `count` properties (`overrides.properties` replaces them, `totalProperties` following). */
export function sampleJob(count = 2, overrides: Partial<SampleJob> = {}): SampleJob {
  const now = new Date();
  const properties = Array.from({ length: count }, (_, i) => sampleProperty(i + 1));
  return {
    id: newJobId(),
    createdAt: now,
    startedAt: null,
    completedAt: null,
    properties,
    sources: ['zillow', 'redfin'],
    isolationMode: 'virtual',
    fetchMode: null,
    dryRun: false,
    timeoutMs: null,
    status: 'pending',
    errorMessage: null,
    progressUpdatedAt: now,
    ...ZERO_COUNTERS,
    totalProperties: overrides.properties?.length ?? count,
    failedPropertiesList: [],
    ...overrides,
  };
}

/** A finished property outcome. */
export function sampleOutcome(property: Property, status: 'completed' | 'failed', newImages = 3): PropertyOutcome {
  return {
    propertyId: property.id,
    address: property.address,
    status,
    ...ZERO_OUTCOME_COUNTS,
    photosFound: newImages,
    newImages: status === 'completed' ? newImages : 0,
    sourcesRead: status === 'completed' ? ['zillow'] : [],
    fetchModes: [],
    skippedSources: [],
    failures: status === 'failed' ? [{ source: 'zillow', url: null, code: 'PHOTO_DATA_MISSING', message: 'no photo data' }] : [],
  };
}

/** The arguments of `JobRepository.create` for a sample job: the job and its properties. */
export function withProperties(job: SampleJob): [ExtractionJob, readonly Property[]] {
  return [job, job.properties];
}
