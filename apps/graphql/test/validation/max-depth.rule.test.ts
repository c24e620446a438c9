import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createMaxDepthRule } from '../../src/validation/max-depth.rule.js';

const schema = buildSchema(`
  type Node { name: String! child: Node }
  type Query { node: Node }
`);

const errorsOf = (query: string, maxDepth: number): string[] =>
  validate(schema, parse(query), [...specifiedRules, createMaxDepthRule(maxDepth)]).map((e) => e.message);

describe('createMaxDepthRule', () => {
  it('accepts an operation at the limit and rejects one level more', () => {
    expect(errorsOf('{ node { child { name } } }', 3)).toEqual([]);
    expect(errorsOf('query Deep { node { child { child { name } } } }', 3)).toEqual([
      'Deep is nested 4 levels deep; the limit is 3',
    ]);
  });

  it('follows fragments and inline fragments', () => {
    const query = `
      query Frag { node { ...A } }
      fragment A on Node { child { ... on Node { child { name } } } }`;
    expect(errorsOf(query, 3)).toEqual(['Frag is nested 4 levels deep; the limit is 3']);
    expect(errorsOf(query, 4)).toEqual([]);
  });

  it('does not count introspection, and survives fragment cycles (reported by the standard rules)', () => {
    expect(errorsOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 2)).toEqual([]);
    const cyclic = errorsOf('{ node { ...A } } fragment A on Node { child { ...A } }', 10);
    expect(cyclic.some((m) => m.includes('Cannot spread fragment "A" within itself'))).toBe(true);
  });
});
