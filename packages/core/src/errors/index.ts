export { CoreError, InvalidInputError, NotFoundError, CancelledError, ListingNotFoundError, throwIfCancelled } from './core-error.js';
export type { FailureKind, CoreErrorOptions, InputIssue, NotFoundErrorOptions } from './core-error.js';
export { InvalidImageError } from './invalid-image-error.js';
export type { InvalidImageReason } from './invalid-image-error.js';
export { SettingAliasConflictError } from './setting-alias-conflict-error.js';
export type { SettingAliasConflict } from './setting-alias-conflict-error.js';
export { InputTooLongError, limitMessage } from './input-too-long-error.js';
export type { InputLimitIssue } from './input-too-long-error.js';
