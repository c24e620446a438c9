export { MAX_NEXT_RUNS, MAX_SCHEDULE_PROPERTIES, ScheduleService } from './schedule-service.js';
export type { CreateScheduleInput, ScheduleTiming, ScheduleView, ScheduleServiceOptions } from './schedule-service.js';
export { ScheduleRepository, SCHEDULES_COLLECTION, SCHEDULE_TICKS_COLLECTION } from './schedule-repository.js';
export type { ScheduleRepositoryOptions, ScheduleDocument, ScheduleTickDocument } from './schedule-repository.js';
export { InvalidScheduleError, ScheduleNameTakenError } from './schedule-errors.js';
export { assertValidCronSchedule, isValidTimeZone, tickAtOrBefore, nextTickAfter } from './cron-schedule.js';
export { toScheduleId, newScheduleId, DEFAULT_SCHEDULE_TIME_ZONE } from './schedule.js';
export type { ScheduleId, ExtractionSchedule, ScheduleTick, ScheduleTickOutcome, ClaimedElsewhereFire } from './schedule.js';
