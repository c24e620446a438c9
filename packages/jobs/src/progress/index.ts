export { JobProgressFeed } from './job-progress-feed.js';
export type { JobProgressFeedOptions } from './job-progress-feed.js';
