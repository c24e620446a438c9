import type { BrowserContext, Route } from 'playwright-core';
import { hostMatches } from './chromium-launch.js';

/** Resource types a scraping page never loads: photos are downloaded directly, not through the browser. */
export const BLOCKED_RESOURCE_TYPES: readonly string[] = Object.freeze(['image', 'media', 'font']);

/**
 * Makes a context skip images, media and fonts everywhere, and every request
 * to a host outside `firstPartyHosts` except top-level navigations
 * (third-party scripts, trackers, ads). Registered after other routes (replay),
 * so it runs first and passes what it allows on with `route.fallback()`.
 *
 * @param context - the browser context to guard
 * @param firstPartyHosts - registrable domains whose requests are allowed
 * @returns resolves once the route is installed
 */
export async function installRequestBlocking(context: BrowserContext, firstPartyHosts: readonly string[]): Promise<void> {
  await context.route('**/*', async (route: Route) => {
    const request = route.request();
    if (BLOCKED_RESOURCE_TYPES.includes(request.resourceType())) {
      await route.abort('blockedbyclient');
      return;
    }
    let host = '';
    try {
      host = new URL(request.url()).hostname;
    } catch {
      await route.abort('blockedbyclient');
      return;
    }
    let mainNavigation = false;
    try {
      mainNavigation = request.isNavigationRequest() && request.frame().parentFrame() === null;
    } catch {
      mainNavigation = false; // service-worker requests have no frame
    }
    if (!mainNavigation && !request.url().startsWith('data:') && !hostMatches(host, firstPartyHosts)) {
      await route.abort('blockedbyclient');
      return;
    }
    await route.fallback();
  });
}
