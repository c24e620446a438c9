import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { INVALID_OPERATION_LABEL, operationLabel, ROOT_FRAGMENT_LABEL } from '../../src/metrics/graphql-metrics.js';

const label = (query: string, name?: string): string => operationLabel(getOperationAST(parse(query), name));

describe('operationLabel', () => {
  it('is the sorted, distinct root field names, whatever the operation or alias names', () => {
    expect(label('{ jobs { id } }')).toBe('jobs');
    expect(label('query ClientChosenName { properties { id } jobs { id } }')).toBe('jobs,properties');
    expect(label('{ a: jobs { id } b: jobs { id } }')).toBe('jobs');
    expect(label('query A { job(id: "x") { id } } query B { jobs { id } }', 'B')).toBe('jobs');
  });

  it('looks into inline fragments and stands (fragment) for a named spread at the root', () => {
    expect(label('{ ... on Query { jobs { id } } properties { id } }')).toBe('jobs,properties');
    expect(label('{ ...MyFragment } fragment MyFragment on Query { jobs { id } }')).toBe(ROOT_FRAGMENT_LABEL);
    expect(label('{ job(id: "x") { id } ...MyFragment } fragment MyFragment on Query { jobs { id } }')).toBe('(fragment),job');
  });

  it('is (invalid) without an operation', () => {
    expect(operationLabel(undefined)).toBe(INVALID_OPERATION_LABEL);
    expect(operationLabel(null)).toBe(INVALID_OPERATION_LABEL);
  });
});
