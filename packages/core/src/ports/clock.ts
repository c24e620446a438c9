/** Source of the current time, injectable so tests are deterministic. */
export interface Clock {
  /** @returns the current time */
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });
