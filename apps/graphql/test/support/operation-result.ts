import type { GraphQLResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { expect } from 'vitest';

/** The single result of an in-process operation (no incremental delivery here). */
export interface SingleResult<T> {
  readonly data?: T | null;
  readonly errors?: readonly GraphQLFormattedError[];
}

/**
 * Unwraps Apollo's response to its single result, as a client would see it
 * (through JSON: dates become ISO strings).
 *
 * @param response - what `executeOperation` returned
 * @returns data and errors
 */
export function singleResult<T>(response: GraphQLResponse): SingleResult<T> {
  expect(response.body.kind).toBe('single');
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return JSON.parse(JSON.stringify(response.body.singleResult)) as SingleResult<T>;
}

/**
 * Unwraps a successful response.
 *
 * @param response - what `executeOperation` returned
 * @returns the data
 */
export function dataOf<T>(response: GraphQLResponse): T {
  const result = singleResult<T>(response);
  expect(result.errors).toBeUndefined();
  if (result.data === undefined || result.data === null) throw new Error('no data');
  return result.data;
}

/**
 * Unwraps a failed response to its one error.
 *
 * @param response - what `executeOperation` returned
 * @returns the error
 */
export function errorOf(response: GraphQLResponse): GraphQLFormattedError {
  const result = singleResult<unknown>(response);
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors ?? [];
  if (error === undefined) throw new Error('no error');
  return error;
}
