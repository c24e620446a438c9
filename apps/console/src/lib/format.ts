/**
 * Formats a byte count for people, in IEC units (1 KiB = 1 024 bytes), one decimal from KiB up.
 *
 * @param bytes - a size in bytes (a non-negative integer)
 * @returns e.g. "812 B", "1.5 KiB", "3.2 MiB"
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'] as const;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Formats pixel dimensions.
 *
 * @param widthPx - width in px
 * @param heightPx - height in px
 * @returns e.g. "1024 × 768 px"
 */
export function formatDimensions(widthPx: number, heightPx: number): string {
  return `${widthPx} × ${heightPx} px`;
}

/**
 * Formats an instant from the API (an ISO 8601 string at UTC) in a time zone, with the zone's short name.
 *
 * @param iso - the instant, e.g. "2026-01-01T10:00:00.000Z"; null gives "—"
 * @param timeZone - an IANA zone, e.g. "America/Phoenix"; absent means the browser's zone
 * @returns e.g. "Jan 1, 2026, 3:00:00 AM MST"
 * @throws RangeError when timeZone is not a zone Intl knows
 */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
    ...(timeZone === undefined ? {} : { timeZone }),
  }).format(date);
}

/**
 * Says how long ago an instant was, coarsely, for "since" columns.
 *
 * @param iso - the earlier instant (ISO 8601)
 * @param nowMs - the current time in ms since the epoch
 * @returns e.g. "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"
 */
export function formatAgo(iso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - new Date(iso).getTime()) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/**
 * Turns an UPPER_SNAKE enum value into words for display.
 *
 * @param value - e.g. "IN_PROGRESS"
 * @returns e.g. "in progress"
 */
export function enumWords(value: string): string {
  return value.toLowerCase().replaceAll('_', ' ');
}

/**
 * A count with its noun, singular for exactly one.
 *
 * @param count - how many
 * @param singular - e.g. "property"
 * @param plural - e.g. "properties"
 * @returns e.g. "1 property", "0 properties"
 */
export function countWords(count: number, singular: string, plural: string): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** Units a time limit is said in, largest first, in seconds. */
const LIMIT_UNITS: readonly (readonly [number, string])[] = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
  [1, 's'],
];

/**
 * Says a job's own time limit (`Job.timeoutSeconds`) for the job page, in the largest unit that divides it.
 *
 * @param timeoutSeconds - the limit, in seconds, or `null` for none
 * @returns e.g. "time limit 2 h", "time limit 90 min"; `null` when the job has none (only the worker's JOB_TIMEOUT applies)
 */
export function timeLimitWords(timeoutSeconds: number | null): string | null {
  if (timeoutSeconds === null) return null;
  const [size, unit] = LIMIT_UNITS.find(([s]) => timeoutSeconds % s === 0) ?? [1, 's'];
  return `time limit ${timeoutSeconds / size} ${unit}`;
}
