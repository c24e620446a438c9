import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import { REPLAY_MISS_HEADER } from '../listing/index.js';
import type { ReplayArchive, ReplayResponse } from './replay-archive.js';

/** Redirects followed within the archive for one request, at most. */
const MAX_REPLAY_REDIRECTS = 10;

/** The private hook Playwright's own `routeFromHAR` uses to replay a redirect of a navigation. */
type NavigationRedirect = (url: string) => Promise<void>;

function redirectTarget(answer: ReplayResponse, from: string): string | null {
  const location = answer.status >= 300 && answer.status < 400 ? answer.headers?.['location'] : undefined;
  return location === undefined ? null : new URL(location, from).href;
}

function missBody(method: string, url: string): Parameters<Route['fulfill']>[0] {
  return {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8', [REPLAY_MISS_HEADER]: '1' },
    body: `phx replay: no saved response for ${method} ${url}`,
  };
}

/**
 * Tells whether the saved redirects from `from` to `target` lead back to a URL
 * already on the way or run past {@link MAX_REPLAY_REDIRECTS}.
 */
function redirectsEndlessly(archive: ReplayArchive, from: string, target: string): boolean {
  const seen = new Set([from]);
  let url: string | null = target;
  for (let hop = 0; url !== null; hop += 1) {
    if (seen.has(url) || hop >= MAX_REPLAY_REDIRECTS) return true;
    seen.add(url);
    const answer = archive.lookup(url);
    url = answer === null ? null : redirectTarget(answer, url);
  }
  return false;
}

/**
 * Answers a request whose saved answer is a redirect. A redirect fulfilled
 * through a route is followed by Chromium outside the routes, to the real
 * network (microsoft/playwright#23301), so it is never fulfilled as such: a
 * navigation is redirected the way Playwright's own HAR replay does it, so
 * that the page ends on the target URL as it would live; anything else (or a
 * Playwright without that hook) gets the target's saved answer directly.
 */
async function replayRedirect(route: Route, archive: ReplayArchive, target: string): Promise<void> {
  const request = route.request();
  const redirectNavigation = (route as unknown as { _redirectNavigationRequest?: NavigationRedirect })._redirectNavigationRequest;
  if (request.isNavigationRequest() && typeof redirectNavigation === 'function') {
    if (redirectsEndlessly(archive, request.url(), target)) {
      // Playwright's redirect hook leaves the aborted navigations of a loop as unhandled rejections: a loop fails here,
      // as Chromium fails one live (the page's navigation reports it, typed, to the caller).
      await route.abort('failed');
      return;
    }
    await redirectNavigation.call(route, target).catch(() => undefined);
    return;
  }
  let url = target;
  for (let hop = 0; hop < MAX_REPLAY_REDIRECTS; hop += 1) {
    const answer = archive.lookup(url);
    if (answer === null) break;
    const next = redirectTarget(answer, url);
    if (next === null) {
      await route.fulfill({ status: answer.status, headers: { ...answer.headers, 'content-type': answer.contentType }, body: answer.body });
      return;
    }
    url = next;
  }
  await route.fulfill(missBody(request.method(), url));
}

/**
 * Makes a browser context answer every request from the archive: saved pages
 * and API bodies under their real URLs (a saved redirect leads to its
 * target's saved answer, never to the network), and a 404 marked with
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
      await route.fulfill(missBody(request.method(), request.url()));
      return;
    }
    const target = redirectTarget(hit, request.url());
    if (target !== null) {
      await replayRedirect(route, archive, target);
      return;
    }
    if ((hit.delayMs ?? 0) > 0 && !(await held(hit.delayMs ?? 0, request))) {
      // The page closed while its answer was held: nobody reads it, and the route lets go of the page now.
      await route.abort('aborted').catch(() => undefined);
      return;
    }
    // A held answer may outlive its page: fulfilling a closed page's request is no error worth raising.
    await route
      .fulfill({ status: hit.status, headers: { ...hit.headers, 'content-type': hit.contentType }, body: hit.body })
      .catch(() => undefined);
  });
}

/** The page a request belongs to, or `null` (a service worker's request has no frame). */
function pageOf(request: Request): Page | null {
  try {
    return request.frame().page();
  } catch {
    return null;
  }
}

/**
 * Waits `ms` without keeping the process alive for it, or less when the
 * request's page closes first: a route held for minutes would otherwise keep
 * the closed page (and all it references) reachable until its timer fires.
 *
 * @returns `true` after the whole wait, `false` when the page closed first
 */
function held(ms: number, request: Request): Promise<boolean> {
  const page = pageOf(request);
  if (page?.isClosed() === true) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      page?.off('close', onClose);
      resolve(true);
    }, ms).unref();
    page?.once('close', onClose);
  });
}
