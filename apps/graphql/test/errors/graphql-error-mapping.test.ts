import { CoreError, InvalidInputError, NotFoundError, noopLogger, type Logger } from '@phx/core';
import { JobAlreadyFinishedError } from '@phx/jobs';
import { GraphQLError } from 'graphql';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { formatGraphqlError, INTERNAL_ERROR_MESSAGE } from '../../src/errors/graphql-error-mapping.js';

/** Formats `thrown` as a resolver error at `job`, the way GraphQL wraps it. */
const format = (thrown: unknown, isProduction = false, logger: Logger = noopLogger) => {
  const located = new GraphQLError(thrown instanceof Error ? thrown.message : String(thrown), {
    path: ['job'],
    originalError: thrown instanceof Error ? thrown : new Error(String(thrown)),
    extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: at somewhere'] },
  });
  return formatGraphqlError(located.toJSON(), located, { isProduction, logger });
};

describe('formatGraphqlError', () => {
  it('maps InvalidInputError to BAD_USER_INPUT with the issues', () => {
    const formatted = format(new InvalidInputError('extraction input', [{ path: 'sources.0', message: 'unknown source "x"' }]));
    expect(formatted.message).toBe('Invalid extraction input: sources.0: unknown source "x"');
    expect(formatted.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'sources.0', message: 'unknown source "x"' }],
    });
  });

  it('maps NotFoundError to NOT_FOUND with entity and id', () => {
    const formatted = format(new NotFoundError('job', 'abc'));
    expect(formatted.extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'job', id: 'abc' });
    expect(formatted.path).toEqual(['job']);
  });

  it('maps JOB_ALREADY_FINISHED to CONFLICT with the reason', () => {
    const formatted = format(new JobAlreadyFinishedError('abc', 'completed'));
    expect(formatted.extensions).toMatchObject({ code: 'CONFLICT', reason: 'JOB_ALREADY_FINISHED' });
    expect(formatted.message).toContain('already completed');
  });

  it('maps other domain errors to INTERNAL_SERVER_ERROR with their code as reason', () => {
    const formatted = format(new CoreError('JOB_QUEUE_FAILED', 'could not be queued', 'transient'));
    expect(formatted.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'JOB_QUEUE_FAILED' });
  });

  it('keeps the code of errors GraphQL or Apollo raised about the request', () => {
    const validation = new GraphQLError('Cannot query field "nope" on type "Query".');
    expect(formatGraphqlError(validation.toJSON(), validation, { isProduction: true, logger: noopLogger }).extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
    });
    const coercion = new GraphQLError('Variable "$s" got invalid value', {
      originalError: new GraphQLError('Value "DONE" does not exist'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(formatGraphqlError(coercion.toJSON(), coercion, { isProduction: true, logger: noopLogger }).extensions).toEqual({
      code: 'BAD_USER_INPUT',
    });
  });

  it('maps an unreachable database to SERVICE_UNAVAILABLE with a message a client can act on (no address, no driver text)', async () => {
    // A real driver error: nothing listens on port 1 of this machine.
    const client = new MongoClient('mongodb://user:secret@127.0.0.1:1/', { serverSelectionTimeoutMS: 200 });
    const thrown = await client
      .db('x')
      .collection('jobs')
      .findOne({})
      .catch((e: unknown) => e);
    await client.close();
    const logged: unknown[] = [];
    const logger: Logger = { ...noopLogger, warn: (context) => void logged.push(context) };
    const formatted = format(thrown, true, logger);
    expect(formatted.message).toBe('The database is not reachable right now; try again shortly.');
    expect(formatted.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(formatted)).not.toContain('secret');
    expect(logged).toHaveLength(1);
  });

  it('hides unexpected errors in production and logs them', () => {
    const logged: unknown[] = [];
    const logger: Logger = { ...noopLogger, error: (context) => void logged.push(context) };
    const formatted = format(new Error('connect ECONNREFUSED mongodb://user:secret@db'), true, logger);
    expect(formatted.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(JSON.stringify(formatted)).not.toContain('secret');
    expect(logged).toHaveLength(1);
  });

  it('shows the message and stack of unexpected errors in development', () => {
    const formatted = format(new Error('boom'));
    expect(formatted.message).toBe('boom');
    expect(formatted.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: at somewhere'] });
  });

  it('drops stack traces of domain errors in production', () => {
    const formatted = format(new NotFoundError('job', 'abc'), true);
    expect(formatted.extensions).not.toHaveProperty('stacktrace');
  });
});
