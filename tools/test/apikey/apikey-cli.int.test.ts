import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/apikey/main.js', import.meta.url));

describe('phx-apikey (the built CLI)', () => {
  const dbName = `phx_cli_apikey_${randomUUID().slice(0, 8)}`;
  let client: MongoClient;

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
        env: { ...process.env, MONGODB_DB: dbName },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  const keys = () => client.db(dbName).collection('api_keys');

  beforeAll(async () => {
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('creates a key, prints it once and stores only its SHA-256 in the shape the GraphQL server reads', async () => {
    const created = await cli('create', '--name', 'grafana', '--role', 'read');
    expect(created.code).toBe(0);
    const lines = created.stdout.split('\n');
    const id = /^Created read key "grafana" with id ([0-9a-f-]{36})\.$/.exec(lines[0] ?? '')?.[1];
    expect(id).toBeDefined();
    expect(lines[1]).toBe('The key is shown only this once; only its SHA-256 is stored:');
    const key = lines[2] ?? '';
    expect(key).toMatch(/^phx_[A-Za-z0-9_-]{43}$/);

    const docs = await keys()
      .find({}, { projection: { _id: 0 } })
      .toArray();
    expect(docs).toEqual([
      {
        id,
        name: 'grafana',
        role: 'read',
        keyHash: createHash('sha256').update(key).digest('hex'),
        createdAt: expect.any(Date),
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(docs)).not.toContain(key);
  });

  it('prints JSON for scripts, lists keys without their hashes, revokes by id', async () => {
    const created = await cli('create', '--name', 'demo', '--role', 'admin', '--json');
    expect(created.code).toBe(0);
    const made = JSON.parse(created.stdout) as { id: string; name: string; role: string; key: string };
    expect(made).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'demo',
      role: 'admin',
      key: expect.stringMatching(/^phx_/),
    });

    const listed = await cli('list', '--json');
    const records = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(records.map((r) => [r['name'], r['role'], r['revokedAt']])).toEqual([
      ['grafana', 'read', null],
      ['demo', 'admin', null],
    ]);
    expect(records.every((r) => !('keyHash' in r))).toBe(true);

    const revoked = await cli('revoke', made.id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked key "demo" \\(${made.id}\\) at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\.\\n$`));
    const doc = await keys().findOne({ id: made.id });
    expect(doc?.['revokedAt']).toBeInstanceOf(Date);

    const text = await cli('list');
    expect(text.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^[0-9a-f-]{36} {2}read {3}grafana {2}created \S+ {2}active$/),
      expect.stringMatching(new RegExp(`^${made.id} {2}admin {2}demo {2}created \\S+ {2}revoked \\S+$`)),
    ]);
  });

  it('answers a bad role or a missing name with exit code 2 and an unknown id with 1', async () => {
    const badRole = await cli('create', '--name', 'x', '--role', 'root');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("argument 'root' is invalid. Allowed choices are read, admin.");
    const noName = await cli('create', '--role', 'read');
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("required option '--name <name>' not specified");
    const unknown = await cli('revoke', 'no-such-key');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('No API key with id "no-such-key" exists in the api_keys collection\n');
    expect((await cli()).code).toBe(2);
  });
});
