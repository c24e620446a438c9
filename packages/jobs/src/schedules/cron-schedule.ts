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
  const fields = cron
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  const zoneOk = isValidTimeZone(timeZone);
  if (!zoneOk) issues.push({ path: 'timeZone', message: `"${timeZone}" is not an IANA time zone; use e.g. "America/Phoenix"` });
  if (fields.length !== 5 && fields.length !== 6) {
    issues.push({
      path: 'cron',
      message: `"${cron}" has ${fields.length} fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first), e.g. "0 3 * * *"`,
    });
  } else {
    try {
      CronExpressionParser.parse(cron, { ...(zoneOk ? { tz: timeZone } : {}) }).next();
    } catch (error) {
      issues.push({
        path: 'cron',
        message: `"${cron}" is not a valid cron expression (${error instanceof Error ? error.message : String(error)}); e.g. "0 3 * * *"`,
      });
    }
  }
  if (issues.length > 0) throw new InvalidScheduleError(cron, timeZone, issues);
}

/** Most forward steps {@link tickAtOrBefore} takes past the parser's `prev()`; each skips one shifted occurrence. */
const MAX_FORWARD_STEPS = 16;

/**
 * The latest cron occurrence at or before `at`, as Agenda fires them: the
 * tick a run started at `at` belongs to (Agenda starts a tick's run a little
 * after its time, and late when no worker was up). Occurrences are those of
 * the parser's `next()`, which Agenda schedules by: a local time that does
 * not exist that day (02:30 on a spring-forward day) comes once, after the
 * gap, while `prev()` skips it and would give the day before, whose tick is
 * already recorded.
 *
 * @param cron - a valid cron expression
 * @param timeZone - a valid IANA time zone
 * @param at - the instant
 * @returns the occurrence, whole seconds
 * @throws the parser's `Error` for an invalid expression (validate first)
 */
export function tickAtOrBefore(cron: string, timeZone: string, at: Date): Date {
  let tick = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: new Date(at.getTime() + 1) })
    .prev()
    .toDate();
  const forward = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: tick });
  for (let step = 0; step < MAX_FORWARD_STEPS; step += 1) {
    const next = forward.next().toDate();
    if (next.getTime() > at.getTime()) break;
    tick = next;
  }
  return tick;
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
  return nextTicksAfter(cron, timeZone, after, 1)[0]!;
}

/**
 * The next `count` cron occurrences after `after`, in order (those Agenda fires the ticks at).
 *
 * @param cron - a valid cron expression
 * @param timeZone - a valid IANA time zone it is read in
 * @param after - the instant (not itself included)
 * @param count - how many, at least 1
 * @returns `count` ascending instants
 * @throws the parser's `Error` for an invalid expression (validate first)
 */
export function nextTicksAfter(cron: string, timeZone: string, after: Date, count: number): Date[] {
  const occurrences = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: after });
  return Array.from({ length: count }, () => occurrences.next().toDate());
}
