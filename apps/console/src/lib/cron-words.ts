import cronstrue from 'cronstrue';

/** A cron expression in words, or why it could not be read. */
export type CronWords = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: string };

/**
 * Describes a cron expression in English words with cronstrue: 5 fields (minute hour day month weekday) or 6 (seconds first).
 *
 * @param cron - the expression, e.g. "0 3 * * *"
 * @returns `{ ok: true, text }` (e.g. "At 03:00 AM"), or `{ ok: false, error }` naming what is wrong; never throws
 */
export function describeCron(cron: string): CronWords {
  const trimmed = cron.trim();
  if (trimmed === '') return { ok: false, error: 'Enter a cron expression, e.g. "0 3 * * *".' };
  try {
    return { ok: true, text: cronstrue.toString(trimmed, { throwExceptionOnParseError: true, verbose: false }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `Not a cron expression: ${message.replace(/^Error: /, '')}` };
  }
}
