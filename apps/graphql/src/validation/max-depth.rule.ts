import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ValidationRule } from 'graphql';

/**
 * Makes a validation rule that rejects operations nested deeper than
 * `maxDepth` fields: graphql-armor's depth limit, which walks each fragment
 * once and reuses its depth at every further spread, so validation stays
 * linear in the document (a naive walk follows every spread again: 2^n steps
 * for n levels of fragments that each spread the next one twice). Fragment
 * spreads and inline fragments add no level (`flattenFragments`); a top-level
 * field is depth 1; `__schema` introspection is not counted, so tools keep
 * working. The refusal is reported as a validation error (HTTP 400,
 * `GRAPHQL_VALIDATION_FAILED`), never thrown.
 *
 * @param maxDepth - deepest accepted nesting, at least 1
 * @returns the rule, for Apollo's `validationRules` and graphql-ws `validate`
 * @example
 * ```ts
 * import { parse, specifiedRules, validate } from 'graphql';
 * import { buildGraphqlSchema } from '../schema.js';
 * declare const query: string;
 * validate(buildGraphqlSchema(), parse(query), [...specifiedRules, createMaxDepthRule(10)]);
 * // "Syntax Error: Query depth limit of 10 exceeded, found 11."
 * ```
 */
export function createMaxDepthRule(maxDepth: number): ValidationRule {
  return maxDepthRule({
    n: maxDepth,
    flattenFragments: true,
    ignoreIntrospection: true,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(error)],
  }) as unknown as ValidationRule;
}
