import type { FetchMode, IsolationMode, Property } from '@phx/core';
import { toPropertyId } from '@phx/core';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import type { ReplayPageInput } from '../../src/replay/index.js';
import { fixturesDir } from './fixtures.js';

/**
 * A replay kit on the shared fixtures. Fetch mode `browser` by default: the
 * tests written for the Chromium path keep testing it; the fetch-mode tests
 * (`test/http/`) pass `auto` or `http`, or set `fetchMode` per call.
 */
export function replayKit(
  isolationMode: IsolationMode = 'virtual',
  extraPages: readonly ReplayPageInput[] = [],
  fetchMode: FetchMode = 'browser',
): Promise<ScraperKit> {
  return createScraperKit({ mode: { kind: 'replay', fixturesDir, extraPages }, isolationMode, fetchMode, navigationTimeoutMs: 30_000 });
}

/** A property for an address, without listing URLs. */
export function property(address: string): Property {
  return { id: toPropertyId(address), address, listingUrls: {} };
}
