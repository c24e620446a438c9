/**
 * `@phx/scrapers/internal`: what phx's own packages, tests, benchmarks and
 * the `phx-record` command use beside the public API of the root
 * (`@phx/scrapers`): replay routes and politeness for replayed runs, search
 * URLs of the two sites, Zillow's page and URL parsers (for benchmarks that
 * read replayed pages without a browser), and the record command. No stability promise: these
 * change with the scrapers.
 *
 * @packageDocumentation
 */
export { REPLAY_POLITENESS_OPTIONS } from './politeness/index.js';
export { installReplayRoutes } from './replay/index.js';
export { zillowSearchUrl, parseZillowListingPage, parseZillowListingUrl } from './zillow/index.js';
export { redfinAutocompleteUrl } from './redfin/index.js';
export { runRecordCommand } from './cli/index.js';
export type { CommandOutput } from './cli/index.js';
export { FetchModePlanner, photoListDifference } from './http/index.js';
export { ReplayArchive, ReplayPhotoServer, createReplayDispatcher } from './replay/index.js';
