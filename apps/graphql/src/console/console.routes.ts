import { join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import helmet from 'helmet';

/**
 * Path prefixes of the server's own routes: never answered with the console
 * page, never given the console's headers (GraphiQL and Agendash set their own CSP).
 */
export const API_PATH_PREFIXES = Object.freeze([
  '/graphql',
  '/graphiql',
  '/images',
  '/metrics',
  '/healthz',
  '/readyz',
  '/session',
  '/agendash',
] as const);

/** Where the console's bundler puts its fingerprinted files (`/assets/<name>-<hash>.<ext>`), cached for a year. */
export const CONSOLE_ASSETS_PATH = '/assets';

/** The Nx command that builds the console into `apps/console/dist`. */
export const CONSOLE_BUILD_COMMAND = 'npx nx build console';

/**
 * The console's Content-Security-Policy (the contract of issue 13): scripts,
 * styles, fonts and data only from this origin, images also as `data:` and
 * `blob:` URLs, no plugins, no framing.
 */
export const CONSOLE_CSP_DIRECTIVES = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
});

/** Options of {@link createConsoleRouter}. */
export interface ConsoleRouterOptions {
  /** Absolute path of the console build (`CONSOLE_DIR`; holds `index.html` and `assets/`). It may be missing or empty. */
  readonly consoleDir: string;
}

/**
 * Makes the routes serving the browser console (the Vite build of
 * `apps/console`) at `/`: its files from `consoleDir` (`/assets/...` cached
 * for a year as `immutable`, anything else revalidated), and `index.html`
 * (`Cache-Control: no-cache`) for `GET /` and for any other GET or HEAD
 * whose `Accept` names `text/html` and whose path is not one of
 * {@link API_PATH_PREFIXES} (client-side routes such as `/jobs/<id>`).
 * When `consoleDir` has no `index.html` (the console is not built), those
 * requests get a small HTML page (404) saying so, with the build command and
 * a link to `/graphiql`. Every response of these routes carries the strict
 * {@link CONSOLE_CSP_DIRECTIVES} (set with `helmet`), `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer` and `X-Frame-Options: DENY`. No API key is
 * needed: the files are the public build; the data behind them needs one.
 * Mount it after every other route: requests for API paths pass through untouched.
 *
 * @param options - the console build folder
 * @returns an Express router
 */
export function createConsoleRouter(options: ConsoleRouterOptions): Router {
  const indexPath = join(options.consoleDir, 'index.html');
  const assetsDir = join(options.consoleDir, CONSOLE_ASSETS_PATH.slice(1));
  const router = Router();
  router.use((req, _res, next) => next(isApiPath(req.path) ? 'router' : undefined));
  router.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES },
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
      // Whether a deployment is HTTPS-only is its proxy's call, not this server's.
      strictTransportSecurity: false,
    }),
  );
  router.use(
    express.static(options.consoleDir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res, path) => {
        res.set('cache-control', path.startsWith(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  router.get('/{*path}', (req, res, next) => {
    if (req.path !== '/' && !wantsHtml(req)) {
      next();
      return;
    }
    res.sendFile(indexPath, { cacheControl: false, headers: { 'cache-control': 'no-cache' } }, (error) => {
      if (error === undefined) return;
      if (!res.headersSent && (error as NodeJS.ErrnoException).code === 'ENOENT') sendNotBuilt(res, options.consoleDir);
      else next(error);
    });
  });
  return router;
}

/** `true` for a path of one of {@link API_PATH_PREFIXES} (the prefix itself or below it). */
function isApiPath(path: string): boolean {
  return API_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** A browser navigation: the `Accept` header names `text/html` and Express's negotiation agrees. */
function wantsHtml(req: Request): boolean {
  return /\btext\/html\b/i.test(req.get('accept') ?? '') && req.accepts('html') === 'html';
}

function sendNotBuilt(res: Response, consoleDir: string): void {
  res
    .status(404)
    .set('content-type', 'text/html; charset=utf-8')
    .set('cache-control', 'no-store')
    .send(
      [
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8"><title>phx console not built</title></head><body>',
        '<h1>The phx console is not built</h1>',
        `<p>No <code>index.html</code> in <code>${escapeHtml(consoleDir)}</code> (the setting <code>CONSOLE_DIR</code>).</p>`,
        `<p>Build it from the workspace root with <code>${CONSOLE_BUILD_COMMAND}</code>, then reload this page.</p>`,
        '<p>The GraphQL playground works meanwhile: <a href="/graphiql">/graphiql</a>.</p>',
        '</body></html>',
      ].join('\n'),
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
