import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from './support/child-service.js';
import { GRAPHQL_MAIN, SAMPLE_CSV, startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

/** How long the test waits for the access line of a response it has read, in ms. */
const LINE_WAIT_MS = 10_000;

/** Resolves with the first line of the process's stdout that contains `text`, from now on. */
function nextLineWith(service: ChildService, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      service.child.stdout?.off('data', onData);
      reject(new Error(`no line with ${text} within ${LINE_WAIT_MS} ms`));
    }, LINE_WAIT_MS);
    const onData = (chunk: Buffer): void => {
      const lines = (buffered + chunk.toString('utf8')).split('\n');
      buffered = lines.pop() ?? '';
      const found = lines.find((line) => line.includes(text));
      if (found === undefined) return;
      clearTimeout(timer);
      service.child.stdout?.off('data', onData);
      resolve(found);
    };
    service.child.stdout?.on('data', onData);
  });
}

describe('the built GraphQL server: log format and access lines', () => {
  const processes: GraphqlProcess[] = [];
  const services: ChildService[] = [];
  const databases: TestDatabase[] = [];

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.close()));
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('writes JSON when stdout is not a terminal, with one access line per request naming the key id and operation', async () => {
    const server = await startGraphqlProcess('log_format_json');
    processes.push(server);
    expect(() => JSON.parse(server.service.readyLine) as unknown).not.toThrow();
    const line = nextLineWith(server.service, 'built-process-request-1');
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: server.readKey.authorization,
        'x-request-id': 'built-process-request-1',
      },
      body: JSON.stringify({ query: 'query Me { me { keyId } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('built-process-request-1');
    const access = JSON.parse(await line) as Record<string, unknown>;
    expect(access).toMatchObject({
      service: 'graphql',
      component: 'http',
      reqId: 'built-process-request-1',
      keyId: server.readKey.doc.id,
      operationName: 'Me',
      operationType: 'query',
      status: 200,
    });
    expect(typeof access['responseTimeMs']).toBe('number');
    expect(server.service.output.join('\n')).not.toContain(server.readKey.key);
  });

  it('writes pretty lines when LOG_FORMAT=pretty', async () => {
    const database = await openTestDatabase('log_format_pretty');
    databases.push(database);
    const service = await startChildService({
      name: 'graphql',
      script: GRAPHQL_MAIN,
      env: {
        MONGODB_URI: database.uri,
        MONGODB_DB: database.name,
        PORT: '0',
        HOST: '127.0.0.1',
        PROPERTIES_CSV: SAMPLE_CSV,
        LOG_FORMAT: 'pretty',
      },
      readyPattern: /graphql ready/,
      readyTimeoutMs: 60_000,
    });
    services.push(service);
    expect(() => JSON.parse(service.readyLine) as unknown).toThrow();
    expect(service.readyLine).toMatch(/INFO.*graphql ready/);
  });
});
