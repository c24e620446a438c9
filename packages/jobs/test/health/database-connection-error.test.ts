import { describe, expect, it } from 'vitest';
import {
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import type { TopologyDescription } from 'mongodb';
import { isDatabaseConnectionError } from '../../src/health/database-connection-error.js';

describe('isDatabaseConnectionError: a database that could not be reached, not a failure of the call', () => {
  it('knows the driver’s errors of an unreachable server, also under a wrapper’s cause', () => {
    const unreachable = [
      new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27050', {} as TopologyDescription),
      new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed'),
      new MongoNetworkTimeoutError('connection 2 to 127.0.0.1:27017 timed out'),
      new MongoServerError({
        ok: 0,
        code: 91,
        codeName: 'ShutdownInProgress',
        errmsg: 'The server is in quiesce mode',
        errorLabels: ['RetryableWriteError'],
      }),
      new Error('marking photos removed failed', { cause: new MongoNetworkError('connection 7 to 127.0.0.1:27017 closed') }),
    ];
    expect(unreachable.map(isDatabaseConnectionError)).toEqual([true, true, true, true, true]);
  });

  it('leaves refusals, a closed client and other errors alone', () => {
    const others = [
      new MongoInvalidArgumentError('Document is larger than the maximum size 16777216'),
      new MongoServerError({ ok: 0, code: 11000, codeName: 'DuplicateKey', errmsg: 'E11000 duplicate key error' }),
      new MongoTopologyClosedError(),
      new TypeError('x is undefined'),
      'connect ECONNREFUSED',
      null,
    ];
    expect(others.map(isDatabaseConnectionError)).toEqual([false, false, false, false, false, false]);
  });
});
