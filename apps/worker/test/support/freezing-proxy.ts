import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 whose open connections can be frozen while new ones still pass. */
export interface FreezingProxy {
  /** The port it listens on. */
  readonly port: number;
  /** Stops forwarding on every connection open now (they stay open and silent); later connections work. */
  freeze(): void;
  /**
   * From now on, on every connection (open and later), forwards only the
   * handshake, authentication and `ping` commands and swallows every other
   * one, which so never gets an answer: a database that accepts connections
   * and answers handshakes while every query hangs.
   */
  stallQueries(): void;
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

/** Commands a stalled database still answers: what connection handshakes, authentication and `ping` send. */
const HANDSHAKE_COMMANDS = new Set(['hello', 'ismaster', 'ping', 'saslstart', 'saslcontinue', 'buildinfo', 'endsessions']);
/** Wire protocol opcodes: OP_MSG carries commands; OP_QUERY only the legacy first handshake. */
const OP_MSG = 2013;

/**
 * The command name of one whole wire message (`null` when it is not an
 * OP_MSG whose body section comes first): the first key of its body document.
 */
function commandName(message: Buffer): string | null {
  if (message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return null;
  // header 16 bytes, flag bits 4, section kind 1, document size 4, element type 1, then the key (a C string).
  const start = 26;
  const end = message.indexOf(0, start);
  return end < 0 ? null : message.toString('latin1', start, end);
}

/**
 * Starts a proxy to `127.0.0.1:targetPort`: what a half-dead network path
 * looks like to a client whose pooled sockets hang after an outage, or (with
 * `stallQueries`) a database that still shakes hands but answers no query.
 *
 * @param targetPort - the server's port
 */
export async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  const open = new Set<{ readonly client: Socket; readonly upstream: Socket; frozen: boolean }>();
  let stalled = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, frozen: false };
    open.add(pair);
    // Client bytes are cut into whole wire messages (int32 length first) so each can be let through or held.
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const name = commandName(message);
        const held = stalled && name !== null && !HANDSHAKE_COMMANDS.has(name.toLowerCase());
        if (!pair.frozen && !held) upstream.write(message);
      }
    });
    upstream.on('data', (chunk) => {
      if (!pair.frozen) client.write(chunk);
    });
    const end = (): void => {
      open.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    freeze() {
      for (const pair of open) pair.frozen = true;
    },
    stallQueries() {
      stalled = true;
    },
    async close() {
      for (const pair of open) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
