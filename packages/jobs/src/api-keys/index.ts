export { API_KEY_ROLES, API_KEYS_COLLECTION, MAX_API_KEY_NAME_LENGTH, hashApiKey, generateApiKey } from './api-key.js';
export type { ApiKeyRole, ApiKeyRecord, CreatedApiKey, ApiKeyVerification } from './api-key.js';
export { ApiKeyRepository } from './api-key-repository.js';
export type { ApiKeyRepositoryOptions } from './api-key-repository.js';
