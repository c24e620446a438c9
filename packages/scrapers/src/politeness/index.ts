export { HostRateLimiter } from './host-rate-limiter.js';
export { createRetryAfterBackoff } from './retry-after-backoff.js';
export { SourceGuard } from './source-guard.js';
export type { SourceGuardOptions, CircuitState } from './source-guard.js';
export { DEFAULT_POLITENESS_OPTIONS, REPLAY_POLITENESS_OPTIONS, resolvePolitenessOptions } from './politeness-options.js';
export type { PolitenessOptions, ResolvedPolitenessOptions } from './politeness-options.js';
