import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { PrincipalType, toPrincipalType } from './principal.type.js';

/** The `me` query: who the caller is, so a console shows only the actions its role may take. */
@Resolver(() => PrincipalType)
export class MeResolver {
  /** The `me` query (see its `description`). */
  @Query(() => PrincipalType, { description: 'Who is calling: the key of the request (Bearer) or of its browser session, and its role.' })
  me(@Ctx() { principal }: GraphqlContext): PrincipalType {
    return toPrincipalType(principal);
  }
}
