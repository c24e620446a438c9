import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One file the playground page loads, served from an installed npm package. */
export interface PlaygroundAsset {
  /** Absolute path in `node_modules`. */
  readonly path: string;
  /** Content-Type to answer with. */
  readonly contentType: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * Finds the installed files the playground needs, by asset name: React 18
 * and ReactDOM (UMD builds), GraphiQL 3 (UMD build and CSS, fonts inlined)
 * and the graphql-ws browser client. Nothing is fetched from a CDN.
 *
 * @returns asset name (as in `/graphiql/assets/<name>`) to file
 * @throws Error when a package is not installed (npm install in the workspace)
 */
export function resolvePlaygroundAssets(): ReadonlyMap<string, PlaygroundAsset> {
  const require = createRequire(import.meta.url);
  const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
  return new Map<string, PlaygroundAsset>([
    ['react.js', { path: join(packageDir('react'), 'umd', 'react.production.min.js'), contentType: JS }],
    ['react-dom.js', { path: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), contentType: JS }],
    ['graphiql.js', { path: join(packageDir('graphiql'), 'graphiql.min.js'), contentType: JS }],
    ['graphiql.css', { path: join(packageDir('graphiql'), 'graphiql.min.css'), contentType: CSS }],
    ['graphql-ws.js', { path: join(packageDir('graphql-ws'), 'umd', 'graphql-ws.min.js'), contentType: JS }],
  ]);
}
