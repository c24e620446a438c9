import type { ApiKeyRole } from '@phx/jobs';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL `ApiKeyRole` enum: upper-case names over the key store's
 * lower-case roles (`read`, `admin`).
 */
export const ApiKeyRoleEnum = Object.freeze({
  READ: 'read',
  ADMIN: 'admin',
} as const satisfies Record<string, ApiKeyRole>);

registerEnumType(ApiKeyRoleEnum, {
  name: 'ApiKeyRole',
  description: 'What an API key may do.',
  valuesConfig: {
    READ: { description: 'Queries and subscriptions: see jobs, properties, photos, schedules.' },
    ADMIN: { description: 'Also mutations: enqueue, cancel and retry jobs, edit the catalog and schedules.' },
  },
});
