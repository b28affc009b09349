import type { Server } from 'node:net';

/**
 * Listens on `port`; if it is taken and the user did not ask for it explicitly, takes any free
 * port instead and says so in `note`.
 */
export async function listen(
  server: Server,
  host: string,
  port: number,
  explicit: boolean,
): Promise<{ port: number; note?: string }> {
  const attempt = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (error: Error) => {
        server.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        server.off('error', onError);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : p);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(p, host);
    });
  try {
    return { port: await attempt(port) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || explicit) throw error;
    const free = await attempt(0);
    return { port: free, note: `port ${port} is taken, so this uses ${free} instead` };
  }
}
