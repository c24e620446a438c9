import { InvalidInputError } from './core-error.js';
import type { CoreErrorOptions } from './core-error.js';

/** One value over its limit: which field, the limit and what was given. */
export interface InputLimitIssue {
  /** Dotted path of the field, e.g. `properties.3.address` or `line 7 address`. */
  readonly path: string;
  /** The most the field takes, in `unit`s. */
  readonly limit: number;
  /** What was given, in `unit`s. */
  readonly actual: number;
  /** `characters` (UTF-16 code units, JavaScript's `length`) or `items` (entries of a list). */
  readonly unit: 'characters' | 'items';
}

/**
 * Input refused because a value is longer (or a list has more entries) than
 * a stored document may hold (see core's `storage-limits`): an address, a
 * listing URL, a label list, a name. An {@link InvalidInputError}
 * (`BAD_USER_INPUT`, permanent) whose `limits` say which field, its limit and
 * the length given, so a caller can act on them without reading the message.
 */
export class InputTooLongError extends InvalidInputError {
  /** Every value over its limit, in input order (at least one). */
  readonly limits: readonly InputLimitIssue[];

  /**
   * @param what - name of the input, e.g. `extraction input`
   * @param limits - every value over its limit (at least one)
   * @param options - `cause`: the original error
   */
  constructor(what: string, limits: readonly InputLimitIssue[], options: CoreErrorOptions = {}) {
    super(what, limits.map(toIssue), options);
    this.limits = limits;
  }
}

/**
 * The message of a value over its limit, the same in every door (API, CSV row, CLI).
 *
 * @param issue - the field, its limit and what was given
 * @returns e.g. `is 2,300 characters; at most 2,048`
 */
export function limitMessage(issue: Omit<InputLimitIssue, 'path'>): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  return `is ${n(issue.actual)} ${issue.unit}; at most ${n(issue.limit)} (shorten it)`;
}

function toIssue(issue: InputLimitIssue): { path: string; message: string } {
  return { path: issue.path, message: limitMessage(issue) };
}
