/**
 * The value below which `p` percent of the sorted values lie (nearest rank).
 *
 * @param sorted - values in ascending order (at least one)
 * @param p - percentile, 0-100
 * @returns the value
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/**
 * Formats bytes as MiB with no decimals.
 *
 * @param bytes - a size in bytes
 * @returns e.g. `312 MiB`
 */
export function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}
