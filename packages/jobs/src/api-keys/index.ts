export { API_KEY_ROLES, API_KEYS_COLLECTION, hashApiKey, generateApiKey } from './api-key.js';
export type { ApiKeyRole, ApiKeyRecord, CreatedApiKey, ApiKeyVerification } from './api-key.js';
export { ApiKeyRepository } from './api-key-repository.js';
export type { ApiKeyRepositoryOptions } from './api-key-repository.js';
