import type { BrowserContext, Cookie as BrowserCookie } from 'playwright-core';
import { Cookie } from 'tough-cookie';
import type { CookieJar } from 'tough-cookie';

/** A cookie as Playwright's `context.addCookies` takes it. */
type BrowserCookieInput = Parameters<BrowserContext['addCookies']>[0][number];

const SAME_SITE_TO_BROWSER: Readonly<Record<string, BrowserCookie['sameSite']>> = Object.freeze({
  strict: 'Strict',
  lax: 'Lax',
  none: 'None',
});

/** One jar cookie for Playwright, or `null` when it has expired or names no domain. */
function toBrowserCookie(cookie: Cookie, nowMs: number): BrowserCookieInput | null {
  if (cookie.domain === null || cookie.domain === '') return null;
  const expiresMs = cookie.expiryTime();
  if (expiresMs !== undefined && expiresMs !== Infinity && expiresMs <= nowMs) return null;
  const sameSite = SAME_SITE_TO_BROWSER[(cookie.sameSite ?? '').toLowerCase()];
  return {
    name: cookie.key,
    value: cookie.value,
    // A leading dot is how Playwright tells a domain cookie from a host-only one.
    domain: cookie.hostOnly === true ? cookie.domain : `.${cookie.domain}`,
    path: cookie.path ?? '/',
    expires: expiresMs === undefined || expiresMs === Infinity ? -1 : Math.floor(expiresMs / 1000),
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    ...(sameSite === undefined ? {} : { sameSite }),
  };
}

/** One browser cookie for the jar. */
function toJarCookie(cookie: BrowserCookie): Cookie {
  const hostOnly = !cookie.domain.startsWith('.');
  return new Cookie({
    key: cookie.name,
    value: cookie.value,
    domain: hostOnly ? cookie.domain : cookie.domain.slice(1),
    hostOnly,
    path: cookie.path,
    expires: cookie.expires < 0 ? 'Infinity' : new Date(cookie.expires * 1000),
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    sameSite: cookie.sameSite.toLowerCase(),
  });
}

/**
 * Copies every live cookie of `jar` into `context`, replacing cookies of
 * the same name, domain and path (what the session's HTTP requests gathered
 * reaches its browser pages).
 *
 * @param jar - the session's cookie jar (read only)
 * @param context - the session's browser context
 * @returns resolves once the context holds them
 */
export async function copyJarToContext(jar: CookieJar, context: BrowserContext): Promise<void> {
  const nowMs = Date.now();
  const cookies = (await jar.store.getAllCookies())
    .map((c) => toBrowserCookie(c, nowMs))
    .filter((c): c is BrowserCookieInput => c !== null);
  if (cookies.length > 0) await context.addCookies(cookies);
}

/**
 * Copies every cookie of `context` into `jar`, replacing cookies of the same
 * name, domain and path (what the session's pages gathered reaches its HTTP
 * requests). Cookies only the jar holds are kept.
 *
 * @param context - the session's browser context (read only)
 * @param jar - the session's cookie jar
 * @returns resolves once the jar holds them
 */
export async function copyContextToJar(context: BrowserContext, jar: CookieJar): Promise<void> {
  const cookies = await context.cookies();
  for (const cookie of cookies) await jar.store.putCookie(toJarCookie(cookie));
}
