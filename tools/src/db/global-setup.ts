import { resolveMongoUri } from './mongo-uri.js';

/**
 * Vitest global setup for tests that need MongoDB: resolves the connection
 * string once (starting the local FerretDB if needed) and sets
 * `process.env.MONGODB_URI`, which the test workers inherit. The server is
 * left running for the next suite; `npm run db -- stop` stops it.
 * Referenced by path from each project's `vitest.config.ts`.
 */
export default async function setup(): Promise<void> {
  process.env['MONGODB_URI'] = await resolveMongoUri();
}
