/** What each run of a new schedule extracts. */
export type ScheduleSelection = 'label' | 'all' | 'ids';

/** The create-schedule form's values. */
export interface ScheduleFormValues {
  readonly name: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly selection: ScheduleSelection;
  /** The label, when selection is "label". */
  readonly label: string;
  /** Property ids separated by commas, spaces or new lines, when selection is "ids". */
  readonly propertyIds: string;
  /** Sources ticked; none is refused. */
  readonly sources: readonly string[];
  /** Each run's own time limit in hours, as typed (decimals allowed); empty for none. */
  readonly timeLimitHours: string;
}

/** The ScheduleExtractionInput fields the form sets. */
export interface ScheduleInput {
  name: string;
  cron: string;
  timeZone: string;
  label?: string;
  all?: boolean;
  propertyIds?: string[];
  sources?: string[];
  /** Each run's own wall-time limit, in whole seconds (1 s-30 days). */
  timeoutSeconds?: number;
}

/** Longest time limit the form takes, in hours: the server's 30 days. */
export const MAX_TIME_LIMIT_HOURS = 720;

/**
 * Splits a list of ids typed by a person.
 *
 * @param text - ids separated by commas, white space or new lines
 * @returns the non-empty ids, in order, each once
 */
export function splitIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id !== ''))];
}

/**
 * Turns the form into the mutation's input, or lists what is missing (the server checks the rest: cron, zone, ids).
 *
 * @param values - the form's values
 * @returns `{ input }` or `{ problems }` naming each missing field
 */
export function toScheduleInput(values: ScheduleFormValues): { input: ScheduleInput } | { problems: string[] } {
  const problems: string[] = [];
  if (values.name.trim() === '') problems.push('Name is required.');
  if (values.cron.trim() === '') problems.push('Cron is required.');
  const input: ScheduleInput = {
    name: values.name.trim(),
    cron: values.cron.trim(),
    timeZone: values.timeZone.trim() || 'America/Phoenix',
  };
  if (values.selection === 'all') input.all = true;
  if (values.selection === 'label') {
    if (values.label.trim() === '') problems.push('Label is required for a label selection.');
    else input.label = values.label.trim();
  }
  if (values.selection === 'ids') {
    const ids = splitIds(values.propertyIds);
    if (ids.length === 0) problems.push('Give at least one property id.');
    else input.propertyIds = ids;
  }
  // Unticking both must not read both: the API refuses an empty list, and leaving it out would read every source.
  if (values.sources.length === 0) problems.push('Choose at least one source.');
  else input.sources = [...values.sources];
  const hoursText = values.timeLimitHours.trim();
  if (hoursText !== '') {
    const hours = Number(hoursText);
    if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_TIME_LIMIT_HOURS)
      problems.push(`Time limit must be a number of hours above 0 and at most ${MAX_TIME_LIMIT_HOURS} (30 days), or empty for none.`);
    else input.timeoutSeconds = Math.max(1, Math.round(hours * 3_600));
  }
  return problems.length > 0 ? { problems } : { input };
}
