// A TCP proxy between the gateway and its broker that a test can cut: every connection through it is
// destroyed at once, both ways, as when a network link drops. New connections go through again.
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { onTestFinished } from 'vitest';

export interface CuttableLink {
  port: number;
  url: string;
  /** Connections made through the link so far. */
  readonly connections: number;
  /** Destroys every open connection, both sides, without a goodbye. */
  cut(): void;
}

export async function cuttableLink(targetPort: number): Promise<CuttableLink> {
  const open = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    cut() {
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
  };
}
