import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 whose open connections can be frozen while new ones still pass. */
export interface FreezingProxy {
  /** The port it listens on. */
  readonly port: number;
  /** Stops forwarding on every connection open now (they stay open and silent); later connections work. */
  freeze(): void;
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

/**
 * Starts a proxy to `127.0.0.1:targetPort`: what a half-dead network path
 * looks like to a client whose pooled sockets hang after an outage.
 *
 * @param targetPort - the server's port
 */
export async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  const open = new Set<{ readonly client: Socket; readonly upstream: Socket; frozen: boolean }>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, frozen: false };
    open.add(pair);
    client.on('data', (chunk) => {
      if (!pair.frozen) upstream.write(chunk);
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
    async close() {
      for (const pair of open) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
