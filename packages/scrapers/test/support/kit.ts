import type { IsolationMode, Property } from '@phx/core';
import { toPropertyId } from '@phx/core';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import type { ReplayPageInput } from '../../src/replay/index.js';
import { fixturesDir } from './fixtures.js';

/** A replay kit on the shared fixtures. */
export function replayKit(isolationMode: IsolationMode = 'virtual', extraPages: readonly ReplayPageInput[] = []): Promise<ScraperKit> {
  return createScraperKit({ mode: { kind: 'replay', fixturesDir, extraPages }, isolationMode, navigationTimeoutMs: 30_000 });
}

/** A property for an address, without listing URLs. */
export function property(address: string): Property {
  return { id: toPropertyId(address), address, listingUrls: {} };
}
