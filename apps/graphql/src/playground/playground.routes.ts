import { Router } from 'express';
import { resolvePlaygroundAssets } from './playground-assets.js';
import { PLAYGROUND_ASSETS_PATH, PLAYGROUND_CSS, PLAYGROUND_PATH, PLAYGROUND_SCRIPT, renderPlaygroundPage } from './playground-page.js';

/** Options of {@link createPlaygroundRouter}. */
export interface PlaygroundRouterOptions {
  /** Path of the GraphQL endpoint the page talks to. */
  readonly graphqlPath: string;
}

/** Scripts and styles only from this server; data only to it (HTTP and WebSocket). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL and CodeMirror set inline styles; its fonts are data: URIs in its CSS.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Makes the routes of the offline playground: `GET /graphiql` (the page) and
 * `GET /graphiql/assets/<name>` (React, GraphiQL, graphql-ws from
 * `node_modules`, and the page's own script and styles). They answer without
 * an API key: they are the same public files as the npm packages and carry
 * no data; every request the page makes to `/graphql` needs the key typed
 * into it.
 *
 * @param options - the GraphQL endpoint path
 * @returns an Express router
 * @throws Error when GraphiQL, React or graphql-ws is not installed
 */
export function createPlaygroundRouter(options: PlaygroundRouterOptions): Router {
  const assets = resolvePlaygroundAssets();
  const page = renderPlaygroundPage(options.graphqlPath);
  const router = Router();
  router.get(PLAYGROUND_PATH, (_req, res) => {
    res
      .set('content-type', 'text/html; charset=utf-8')
      .set('content-security-policy', CONTENT_SECURITY_POLICY)
      .set('x-content-type-options', 'nosniff')
      .set('cache-control', 'no-store')
      .send(page);
  });
  router.get(`${PLAYGROUND_ASSETS_PATH}/playground.js`, (_req, res) => {
    res.set('content-type', 'text/javascript; charset=utf-8').set('x-content-type-options', 'nosniff').send(PLAYGROUND_SCRIPT);
  });
  router.get(`${PLAYGROUND_ASSETS_PATH}/playground.css`, (_req, res) => {
    res.set('content-type', 'text/css; charset=utf-8').set('x-content-type-options', 'nosniff').send(PLAYGROUND_CSS);
  });
  router.get(`${PLAYGROUND_ASSETS_PATH}/:name`, (req, res) => {
    const asset = assets.get(req.params.name);
    if (asset === undefined) {
      res.status(404).json({ errors: [{ message: 'No such playground asset', extensions: { code: 'NOT_FOUND' } }] });
      return;
    }
    res.set('x-content-type-options', 'nosniff').sendFile(asset.path, { headers: { 'content-type': asset.contentType }, maxAge: '1h' });
  });
  return router;
}
