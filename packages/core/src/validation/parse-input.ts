import type { z } from 'zod';
import { InvalidInputError } from '../errors/index.js';
import type { InputIssue } from '../errors/index.js';

/**
 * Turns the issues of a failed zod parse into core's {@link InputIssue}s,
 * one per problem, in the order zod found them.
 *
 * @param error - the error of a failed `safeParse`
 * @returns one issue per zod issue: `path` is the dotted field path (empty for
 *   the whole value), `message` zod's message
 */
export function toInputIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => String(part)).join('.'),
    message: issue.message,
  }));
}

/**
 * Validates `value` against `schema` and returns the parsed value; the common
 * door of every public entry point of core that takes options or requests.
 *
 * @param schema - the zod schema
 * @param value - the untrusted value
 * @param what - name of the input for the error message, e.g. `decodePhoto options`
 * @returns the parsed value (zod's output type)
 * @throws {@link InvalidInputError} listing every problem at once
 * @example
 * ```ts
 * import { z } from 'zod';
 * declare const raw: unknown;
 * const options = parseInput(z.object({ timeoutMs: z.number().int().positive() }), raw, 'fetcher options');
 * ```
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidInputError(what, toInputIssues(result.error), { cause: result.error });
  }
  return result.data;
}
