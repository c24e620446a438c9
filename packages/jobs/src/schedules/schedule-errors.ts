import { InvalidInputError } from '@phx/core';
import type { InputIssue } from '@phx/core';
import { JobError } from '../errors/index.js';

/**
 * A schedule's cron expression or time zone is not valid. An
 * `InvalidInputError` (code `BAD_USER_INPUT`, GraphQL `BAD_USER_INPUT`) whose
 * `issues` name `cron` and/or `timeZone`, with the rejected values kept.
 */
export class InvalidScheduleError extends InvalidInputError {
  /** The cron expression given. */
  readonly cron: string;
  /** The time zone given. */
  readonly timeZone: string;

  /**
   * @param cron - the cron expression given
   * @param timeZone - the time zone given
   * @param issues - what is wrong with each (at least one)
   */
  constructor(cron: string, timeZone: string, issues: readonly InputIssue[]) {
    super('schedule', issues);
    this.cron = cron;
    this.timeZone = timeZone;
  }
}

/**
 * Another schedule already has this name (names are unique). Code
 * `SCHEDULE_NAME_TAKEN` (GraphQL `CONFLICT`); pick another name or remove the
 * other schedule.
 */
export class ScheduleNameTakenError extends JobError {
  /** The name asked for. */
  readonly scheduleName: string;

  /**
   * @param name - the name asked for
   * @param options - `cause`: the driver's duplicate key error
   */
  constructor(name: string, options: { readonly cause?: unknown } = {}) {
    super(
      'SCHEDULE_NAME_TAKEN',
      `A schedule named "${name}" exists already; choose another name or remove it first`,
      null,
      'permanent',
      options,
    );
    this.scheduleName = name;
  }
}
