export { WorkerRegistry, WORKERS_COLLECTION, STALE_WORKER_AFTER_MS, ALIVE_HEARTBEAT_INTERVALS, newWorkerId } from './worker-registry.js';
export type { WorkerRegistration, WorkerRunningJob, WorkerView } from './worker-registry.js';
export { WorkerPresence } from './worker-presence.js';
export type { WorkerPresenceOptions } from './worker-presence.js';
