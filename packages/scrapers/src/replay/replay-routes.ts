import type { BrowserContext } from 'playwright-core';
import { REPLAY_MISS_HEADER } from '../browser/page-loader.js';
import type { ReplayArchive } from './replay-archive.js';

/**
 * Makes a browser context answer every request from the archive: saved pages
 * and API bodies under their real URLs, and a 404 marked with
 * {@link REPLAY_MISS_HEADER} for everything else. Nothing reaches the network.
 *
 * @param context - the context (before request blocking is installed)
 * @param archive - the saved answers
 * @returns resolves once the route is installed
 */
export async function installReplayRoutes(context: BrowserContext, archive: ReplayArchive): Promise<void> {
  await context.route('**/*', async (route) => {
    const request = route.request();
    const hit = request.method() === 'GET' || request.method() === 'HEAD' ? archive.lookup(request.url()) : null;
    if (hit === null) {
      await route.fulfill({
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8', [REPLAY_MISS_HEADER]: '1' },
        body: `phx replay: no saved response for ${request.method()} ${request.url()}`,
      });
      return;
    }
    await route.fulfill({ status: hit.status, headers: { ...hit.headers, 'content-type': hit.contentType }, body: hit.body });
  });
}
