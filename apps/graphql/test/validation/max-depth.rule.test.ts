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
      'Syntax Error: Query depth limit of 3 exceeded, found 4.',
    ]);
  });

  it('follows fragments and inline fragments without counting them as levels', () => {
    const query = `
      query Frag { node { ...A } }
      fragment A on Node { child { ... on Node { child { name } } } }`;
    expect(errorsOf(query, 3)).toEqual(['Syntax Error: Query depth limit of 3 exceeded, found 4.']);
    expect(errorsOf(query, 4)).toEqual([]);
  });

  it('does not count introspection, and survives fragment cycles (reported by the standard rules)', () => {
    expect(errorsOf('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }', 2)).toEqual([]);
    const cyclic = errorsOf('{ node { ...A } } fragment A on Node { child { ...A } }', 10);
    expect(cyclic.some((m) => m.includes('Cannot spread fragment "A" within itself'))).toBe(true);
  });

  it('walks each fragment once: 40 levels of fragments spreading the next twice validate at once', () => {
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Node { child { ...F${i + 1} ...F${i + 1} } }`);
    const query = `{ node { ...F0 } } ${fragments.join(' ')} fragment F40 on Node { name }`;
    // 2^40 spreads if each were followed again; a depth of 42 fields either way.
    expect(errorsOf(query, 50)).toEqual([]);
    expect(errorsOf(query, 10)).toEqual(['Syntax Error: Query depth limit of 10 exceeded, found 42.']);
  });
});
