import { CronExpressionParser } from 'cron-parser';
import type { InputIssue } from '@phx/core';
import { InvalidScheduleError } from './schedule-errors.js';

/**
 * Checks that `timeZone` is an IANA time zone this runtime knows.
 *
 * @param timeZone - e.g. `America/Phoenix`
 * @returns `true` when `Intl` accepts it
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates a schedule's cron expression and time zone together, so a user
 * sees every problem at once. A cron expression has 5 fields (minute hour
 * day-of-month month day-of-week) or 6 (seconds first), as Agenda reads it.
 *
 * @param cron - the cron expression
 * @param timeZone - the IANA time zone it is read in
 * @throws {@link InvalidScheduleError} naming `cron` and/or `timeZone`
 */
export function assertValidCronSchedule(cron: string, timeZone: string): void {
  const issues: InputIssue[] = [];
  const fields = cron.trim().split(/\s+/).filter((f) => f !== '');
  const zoneOk = isValidTimeZone(timeZone);
  if (!zoneOk) issues.push({ path: 'timeZone', message: `"${timeZone}" is not an IANA time zone; use e.g. "America/Phoenix"` });
  if (fields.length !== 5 && fields.length !== 6) {
    issues.push({ path: 'cron', message: `"${cron}" has ${fields.length} fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first), e.g. "0 3 * * *"` });
  } else {
    try {
      CronExpressionParser.parse(cron, { ...(zoneOk ? { tz: timeZone } : {}) }).next();
    } catch (error) {
      issues.push({ path: 'cron', message: `"${cron}" is not a valid cron expression (${error instanceof Error ? error.message : String(error)}); e.g. "0 3 * * *"` });
    }
  }
  if (issues.length > 0) throw new InvalidScheduleError(cron, timeZone, issues);
}

/**
 * The latest cron occurrence at or before `at`: the tick a run started at
 * `at` belongs to (Agenda starts a tick's run a little after its time, and
 * late when no worker was up).
 *
 * @param cron - a valid cron expression
 * @param timeZone - a valid IANA time zone
 * @param at - the instant
 * @returns the occurrence, whole seconds
 * @throws the parser's `Error` for an invalid expression (validate first)
 */
export function tickAtOrBefore(cron: string, timeZone: string, at: Date): Date {
  return CronExpressionParser.parse(cron, { tz: timeZone, currentDate: new Date(at.getTime() + 1) }).prev().toDate();
}

/**
 * The first cron occurrence after `after`.
 *
 * @param cron - a valid cron expression
 * @param timeZone - a valid IANA time zone
 * @param after - the instant
 * @returns the next occurrence
 * @throws the parser's `Error` for an invalid expression (validate first)
 */
export function nextTickAfter(cron: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { tz: timeZone, currentDate: after }).next().toDate();
}
