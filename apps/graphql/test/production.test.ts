import { noopLogger, type ExtractionJob } from '@phx/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobApi, JobProgressSource, ScheduleApi } from '../src/graphql-context.js';
import { PropertyCatalog } from '@phx/jobs';
import { MongoClient } from 'mongodb';
import { createGraphqlServer } from '../src/server.js';
import { TEST_SERVER_CONFIG } from './support/graphql-services-harness.js';
import { errorOf, singleResult } from './support/operation-result.js';

/** A job service whose database is gone: every call fails with a driver-like error. */
const brokenJobs: JobApi = {
  enqueueExtraction: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  enqueueSelection: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  getJob: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  cancelJob: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  listPhotos: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  lastExtractions: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  activeJobsWithProperty: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  jobProperties: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
  jobOutcomes: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
};
const brokenSchedules: ScheduleApi = {
  createSchedule: () => Promise.reject(new Error('connect ECONNREFUSED')),
  listSchedules: () => Promise.reject(new Error('connect ECONNREFUSED')),
  pauseSchedule: () => Promise.reject(new Error('connect ECONNREFUSED')),
  resumeSchedule: () => Promise.reject(new Error('connect ECONNREFUSED')),
  removeSchedule: () => Promise.reject(new Error('connect ECONNREFUSED')),
  nextRuns: () => {
    throw new Error('connect ECONNREFUSED');
  },
};
const noProgress: JobProgressSource = {
  watch: (): AsyncIterable<ExtractionJob> => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
  }),
};

describe('a server in production mode', () => {
  const server = createGraphqlServer({
    config: { ...TEST_SERVER_CONFIG, isProduction: true, devMode: true },
    jobService: brokenJobs,
    progressFeed: noProgress,
    eventFeed: { open: () => Promise.reject(new Error('no event log here')) },
    jobHistory: {
      pageJobs: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
      retryJob: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
      countJobs: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
      failureGroups: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
      scheduleJobs: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')),
    },
    // Never connected: these tests read no property.
    catalog: new PropertyCatalog({ db: new MongoClient('mongodb://127.0.0.1:9/').db('none') }),
    scheduleService: brokenSchedules,
    workerRegistry: { list: () => Promise.reject(new Error('connect ECONNREFUSED mongodb://admin:hunter2@10.0.0.5')) },
    // No database here: dev mode lets the in-process calls in without a key.
    apiKeys: {
      check: async () => ({ status: 'unknown' }),
      checkId: async () => ({ status: 'unknown' }),
      stillValid: async () => new Set<string>(),
    },
    sessions: {
      open: () => Promise.reject(new Error('no sessions here')),
      keyIdOf: async () => null,
      liveTokens: async () => new Set<string>(),
      close: async () => undefined,
    },
    logger: noopLogger,
  });
  afterAll(() => server.stop());

  it('hides the message and stack of unexpected errors', async () => {
    const error = errorOf(await server.executeOperation({ query: '{ jobs { edges { node { id } } } }' }));
    expect(error).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 3 }],
      path: ['jobs'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('still names bad input, without a stack trace', async () => {
    const error = errorOf(await server.executeOperation({ query: '{ job(id: "nope") { id } }' }));
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'id', message: '"nope" is not a job id (a UUID)' }],
    });
  });

  it('keeps introspection on (the schema is public) for playground users', async () => {
    const result = singleResult(await server.executeOperation({ query: '{ __type(name: "Job") { name } }' }));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ __type: { name: 'Job' } });
  });
});
