import { describe, expect, it } from 'vitest';
import { BrowserLaunchError, ScraperError } from '../../src/errors/index.js';
import { createScraperKit } from '../../src/kit/index.js';
import { fixturesDir } from '../support/fixtures.js';
import { property } from '../support/kit.js';

const AUSTIN = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';

describe('a chromiumPath that is executable but not Chromium', () => {
  it.each(['/bin/false', '/bin/true'])(
    'makes listPhotos reject with BrowserLaunchError naming %s and the cause, not a raw Playwright error',
    async (chromiumPath) => {
      const kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir }, fetchMode: 'browser', chromiumPath });
      try {
        const err = await kit.scrapers.zillow
          .listPhotos({ property: property('1000 Plymouth Dr, Austin, TX 78758'), listingUrl: AUSTIN })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(BrowserLaunchError);
        expect(err).toBeInstanceOf(ScraperError);
        const launch = err as BrowserLaunchError;
        expect(launch.code).toBe('BROWSER_LAUNCH_FAILED');
        expect(launch.kind).toBe('permanent');
        expect(launch.chromiumPath).toBe(chromiumPath);
        expect(launch.message).toMatch(
          new RegExp(`^Chromium could not be started from chromiumPath "${chromiumPath}": browserType.launch: `),
        );
        expect(launch.cause).toBeInstanceOf(Error);
      } finally {
        await kit.close();
      }
    },
  );
});
