export { JobError, JobAlreadyFinishedError, JobQueueError } from './job-error.js';
export { describeError } from './describe-error.js';
