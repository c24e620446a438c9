import { InvalidInputError, MAX_PROPERTY_LABELS, assertWithinLimits, limitIssue } from '@phx/core';
import type { InputIssue } from '@phx/core';

/** Longest property label, in characters (after trimming). */
export const MAX_PROPERTY_LABEL_LENGTH = 64;

/** The label rule in words, as error messages state it. */
export const PROPERTY_LABEL_RULE =
  `a label is letters a-z, digits, "-", "_" or "."; at most ${MAX_PROPERTY_LABEL_LENGTH} characters and at least one, ` +
  'spaces around it trimmed, stored lower-case (e.g. phoenix-2025)';

const LABEL_PATTERN = /^[a-z0-9._-]+$/;

/** The label as an error shows it: a long one cut to its first 20 characters. */
function shown(label: string): string {
  return label.length > MAX_PROPERTY_LABEL_LENGTH ? `"${label.slice(0, 20)}…" (${label.length} characters)` : `"${label}"`;
}

/** The stored form of a label, or the issue that refuses it. */
function readLabel(label: string, path: string): string | InputIssue {
  const stored = label.trim().toLowerCase();
  if (stored.length > 0 && stored.length <= MAX_PROPERTY_LABEL_LENGTH && LABEL_PATTERN.test(stored)) return stored;
  return { path, message: `${shown(label)} is not a label: ${PROPERTY_LABEL_RULE}` };
}

/**
 * Checks property labels against the catalog's one label rule and gives their
 * stored form: trimmed, lower-case (so `Phoenix-2025` and `phoenix-2025` are
 * one label), each 1..{@link MAX_PROPERTY_LABEL_LENGTH} ASCII letters, digits,
 * `-`, `_` or `.`. Every catalog entry (import, add, list filter, selection by
 * label) goes through it.
 *
 * @param labels - the labels as given
 * @param path - the argument's name in the error, e.g. `labels` or `--label`; entries are named `path.i` when there are several
 * @returns the stored forms, in the given order (duplicates kept)
 * @throws InvalidInputError (`BAD_USER_INPUT`) naming each bad label and the rule
 * @throws core's `InputTooLongError` (`BAD_USER_INPUT`) for more than `MAX_PROPERTY_LABELS` labels
 */
export function toPropertyLabels(labels: readonly string[], path = 'labels'): string[] {
  assertWithinLimits('label', [limitIssue(path, labels, MAX_PROPERTY_LABELS)]);
  const read = labels.map((label, i) => readLabel(label, labels.length === 1 ? path : `${path}.${i}`));
  const issues = read.filter((r): r is InputIssue => typeof r !== 'string');
  if (issues.length > 0) throw new InvalidInputError('label', issues);
  return read as string[];
}

/**
 * Checks one property label; see {@link toPropertyLabels}.
 *
 * @param label - the label as given
 * @param path - the argument's name in the error (default `label`)
 * @returns its stored form (trimmed, lower-case)
 * @throws InvalidInputError (`BAD_USER_INPUT`) naming the label and the rule
 */
export function toPropertyLabel(label: string, path = 'label'): string {
  return toPropertyLabels([label], path)[0] ?? '';
}
