/**
 * `@phx/core`: the domain model, ports and photo pipeline of phx.
 * No database, browser, queue or GraphQL code lives here.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './model/index.js';
export * from './ports/index.js';
export * from './extraction/index.js';
