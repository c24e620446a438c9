/** A group of a job's failures as the API gives it (Job.failureGroups). */
export interface FailureGroup {
  readonly code: string;
  readonly message: string;
  readonly source?: string | null;
  readonly count: number;
  readonly exampleUrl?: string | null;
}

/** One row of the failure table: a group with its display label and its share of all failures. */
export interface FailureGroupRow extends FailureGroup {
  /** Stable React key: source, code and message. */
  readonly key: string;
  /** e.g. "zillow · INVALID_IMAGE", or "any source · JOB_FAILED" when the group has no source. */
  readonly label: string;
  /** This group's share of every grouped failure, 0..100, rounded to a whole percent. */
  readonly sharePercent: number;
}

/**
 * Orders failure groups for display, largest count first (ties by label then message), and labels them.
 *
 * @param groups - the groups of one job
 * @returns rows in display order; empty when the job had no failure
 */
export function failureGroupRows(groups: readonly FailureGroup[]): FailureGroupRow[] {
  const total = groups.reduce((sum, g) => sum + g.count, 0);
  return groups
    .map((g) => {
      const label = `${g.source ?? 'any source'} · ${g.code}`;
      return {
        ...g,
        key: `${g.source ?? ''}\u0000${g.code}\u0000${g.message}`,
        label,
        sharePercent: total === 0 ? 0 : Math.round((g.count * 100) / total),
      };
    })
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label) || a.message.localeCompare(b.message));
}
