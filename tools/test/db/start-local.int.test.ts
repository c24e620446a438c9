import { afterEach, describe, expect, it } from 'vitest';
import { pingMongo } from '../../src/db/local-mongo.js';
import { resolveMongoUri, startLocalMongoUri } from '../../src/db/mongo-uri.js';

describe('phx-db start', () => {
  const saved = process.env['MONGODB_URI'];
  afterEach(() => {
    if (saved === undefined) delete process.env['MONGODB_URI'];
    else process.env['MONGODB_URI'] = saved;
  });

  it('starts (or finds) the local FerretDB even when MONGODB_URI names another server, as stop stops it', async () => {
    process.env['MONGODB_URI'] = 'mongodb://elsewhere.invalid:1/';
    expect(await resolveMongoUri()).toBe('mongodb://elsewhere.invalid:1/');
    const local = await startLocalMongoUri();
    expect(local).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await pingMongo(local, 5_000)).toBe(true);
  });
});
