/**
 * The light entry of `@phx/core`: the domain model (ids, sources, modes,
 * statuses, counters) and the errors, without the image pipeline (sharp),
 * the store or the validation schemas (zod). For code that must start fast,
 * such as a command line's `--help`; everything here is also exported by the
 * package's main entry.
 *
 * @packageDocumentation
 */
export * from './model/index.js';
export * from './errors/index.js';
