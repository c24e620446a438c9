import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import {
  Kind,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValueNode,
  type ValidationRule,
} from 'graphql';

/** The argument that sets a list's page size. */
const PAGE_SIZE_ARGUMENT = 'first';

/**
 * Lists without a page argument whose length has a known bound, by
 * `Type.field`: each counts in the cost as a page of that many items (as if
 * it had `first: n`), so a list of them (e.g. `failureGroups` of 20 jobs,
 * one outcome scan each) cannot escape the limit.
 */
export const BOUNDED_LIST_SIZES: Readonly<Record<string, number>> = Object.freeze({
  'Job.failureGroups': 50,
});

/** Options of {@link createQueryCostRule}. */
export interface QueryCostRuleOptions {
  /** Highest accepted cost of an operation (graphql-armor's model: 1 per scalar, 2 per object, ×1.5 per level). */
  readonly maxCost: number;
  /** The largest page any paginated list serves: the size a page given in a variable counts as. */
  readonly maxPageSize: number;
}

/**
 * Makes the query cost rule: graphql-armor's cost limit, run on the
 * operation with every page size spelled out, so a paginated list costs its
 * page size times its items. graphql-armor multiplies by a literal
 * `first: n` only; here a list whose `first` is a variable counts as
 * `maxPageSize` (the variable may hold the largest page), and one without
 * `first` counts as the argument's default. Each fragment is rewritten once,
 * and graphql-armor walks each once, so the rule stays linear in the
 * document. Refusals are reported as validation errors (HTTP 400), never thrown.
 *
 * @param options - the cost limit and the largest page size
 * @returns the rule, for Apollo's `validationRules` and graphql-ws `validate`
 * @example
 * ```ts
 * import { parse, validate } from 'graphql';
 * import { buildGraphqlSchema } from '../schema.js';
 * const errors = validate(buildGraphqlSchema(), parse('{ jobs { edges { cursor } } }'), [createQueryCostRule({ maxCost: 100, maxPageSize: 100 })]);
 * // [GraphQLError: Syntax Error: Query Cost limit of 100 exceeded, found …]
 * ```
 */
export function createQueryCostRule(options: QueryCostRuleOptions): ValidationRule {
  const costRule = costLimitRule({
    maxCost: options.maxCost,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(error)],
  }) as unknown as ValidationRule;
  return (context) => ({
    Document(document) {
      const sized = withPageSizes(document, context.getSchema(), options.maxPageSize);
      for (const error of validate(context.getSchema(), sized, [costRule])) context.reportError(error);
      return false;
    },
  });
}

/**
 * Rewrites a document so that every field with a `first` argument has a
 * literal one: a literal stays, a variable (or `null`) becomes `maxPageSize`,
 * an absent one the argument's default (or `maxPageSize` without one); a
 * field of {@link BOUNDED_LIST_SIZES} gets its bound as `first`.
 *
 * @param document - a parsed operation document
 * @param schema - the schema (for the fields' arguments and defaults)
 * @param maxPageSize - the size a page given in a variable counts as
 * @returns a new document; the input is not changed
 */
export function withPageSizes(document: DocumentNode, schema: GraphQLSchema, maxPageSize: number): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        leave(node) {
          const field = typeInfo.getFieldDef();
          const pageArgument = field?.args.find((a) => a.name === PAGE_SIZE_ARGUMENT);
          if (pageArgument === undefined) {
            const bound = BOUNDED_LIST_SIZES[`${typeInfo.getParentType()?.name ?? ''}.${field?.name ?? ''}`];
            return bound === undefined
              ? undefined
              : { ...node, arguments: [...(node.arguments ?? []), pageSizeArgument(undefined, bound, bound)] };
          }
          const given = node.arguments?.find((a) => a.name.value === PAGE_SIZE_ARGUMENT)?.value;
          const fallback = typeof pageArgument.defaultValue === 'number' ? pageArgument.defaultValue : maxPageSize;
          const others = (node.arguments ?? []).filter((a) => a.name.value !== PAGE_SIZE_ARGUMENT);
          return { ...node, arguments: [...others, pageSizeArgument(given, fallback, maxPageSize)] };
        },
      },
    }),
  );
}

function pageSizeArgument(given: ValueNode | undefined, fallback: number, maxPageSize: number): ArgumentNode {
  const size = given === undefined ? String(fallback) : given.kind === Kind.INT ? given.value : String(maxPageSize);
  return { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: PAGE_SIZE_ARGUMENT }, value: { kind: Kind.INT, value: size } };
}
