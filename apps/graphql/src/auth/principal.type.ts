import { Field, ID, ObjectType } from 'type-graphql';
import type { ApiKeyRole, ApiPrincipal } from './api-key.js';
import { ApiKeyRoleEnum } from './api-key-role.enum.js';

/** GraphQL `Principal`: who is calling (the API key of the request, or of its browser session). */
@ObjectType('Principal', { description: 'Who is calling: the API key of the request or of its browser session.' })
export class PrincipalType {
  /** The key id (`dev-mode` for a keyless request in dev mode). */
  @Field(() => ID, { description: 'The API key id (dev-mode for a keyless request to a server in dev mode).' })
  keyId!: string;

  /** The name the key was created with. */
  @Field(() => String, { description: 'The name the key was created with.' })
  name!: string;

  /** What the key may do. */
  @Field(() => ApiKeyRoleEnum, { description: 'What the key may do: READ keys query and subscribe, ADMIN keys also mutate.' })
  role!: ApiKeyRole;
}

/**
 * Maps the request's principal to its GraphQL type.
 *
 * @param principal - the principal of the request context
 * @returns a `PrincipalType` with the same fields
 */
export function toPrincipalType(principal: ApiPrincipal): PrincipalType {
  return Object.assign(new PrincipalType(), { keyId: principal.keyId, name: principal.name, role: principal.role });
}
