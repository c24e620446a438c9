export { JobProgressFeed } from './job-progress-feed.js';
export type { JobProgressFeedOptions } from './job-progress-feed.js';
export {
  JOB_EVENTS_COLLECTION,
  JOB_EVENT_KINDS,
  encodeJobEventId,
  decodeJobEventId,
  statusEventBody,
  extractionEventBody,
  toJobEventCounters,
} from './job-event.js';
export type {
  JobEvent,
  JobEventBody,
  JobEventKind,
  JobEventCounters,
  JobEventPosition,
  JobEventDocument,
  JobEventEntry,
} from './job-event.js';
export { JobEventLog } from './job-event-log.js';
export type { JobEventLogOptions } from './job-event-log.js';
export { JobEventRecorder } from './job-event-recorder.js';
export type { JobEventRecorderOptions } from './job-event-recorder.js';
export { JobEventFeed, MAX_WATCHED_JOBS } from './job-event-feed.js';
export type { JobEventFeedOptions, JobEventQuery } from './job-event-feed.js';
export { JobEventStream } from './job-event-stream.js';
export type { JobEventStreamScope } from './job-event-stream.js';
