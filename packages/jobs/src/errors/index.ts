export { JobError, JobAlreadyFinishedError, JobQueueError, ScraperModeMismatchError } from './job-error.js';
export { describeError } from './describe-error.js';
export { DatabaseOutageError } from './database-outage-error.js';
