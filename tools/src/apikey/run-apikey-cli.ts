import type { ApiKeyRecord, ApiKeyRepository } from '@phx/jobs';
import type { ApiKeyRequest } from './apikey-options.js';

/**
 * Runs one `phx-apikey` request and writes its output.
 *
 * @param request - the parsed request
 * @param admin - the key store
 * @param write - writes one line to stdout
 * @returns the exit code (0)
 * @throws core's `NotFoundError` when `revoke` names no key
 */
export async function runApiKeyCli(request: ApiKeyRequest, admin: ApiKeyRepository, write: (line: string) => void): Promise<number> {
  if (request.action === 'create') {
    const { key, record } = await admin.create({ name: request.name, role: request.role });
    if (request.json) {
      write(JSON.stringify({ id: record.id, name: record.name, role: record.role, key }));
    } else {
      write(`Created ${record.role} key "${record.name}" with id ${record.id}.`);
      write('The key is shown only this once; only its SHA-256 is stored:');
      write(key);
      write(`Send it as "Authorization: Bearer ${key.slice(0, 8)}…" (graphql-ws: connection_init { authorization: "Bearer …" }).`);
    }
    return 0;
  }
  if (request.action === 'list') {
    const records = await admin.list();
    if (request.json) {
      write(JSON.stringify(records.map(({ keyHash: _hash, ...visible }) => visible)));
    } else if (records.length === 0) {
      write('No API keys. Make one with: npm run apikey -- create --name <name> --role read|admin');
    } else {
      for (const record of records) write(formatRecord(record));
    }
    return 0;
  }
  const record = await admin.revoke(request.id);
  write(`Revoked key "${record.name}" (${record.id}) at ${record.revokedAt?.toISOString() ?? 'an unknown time'}.`);
  return 0;
}

function formatRecord(record: ApiKeyRecord): string {
  const state = record.revokedAt === null ? 'active' : `revoked ${record.revokedAt.toISOString()}`;
  return `${record.id}  ${record.role.padEnd(5)}  ${record.name}  created ${record.createdAt.toISOString()}  ${state}`;
}
