// Refuses every attempt of this process to open a network socket, for the unit test project
// (testing/unit-setup.ts). One choke point per kind of socket catches every API built on it:
// - connecting: net.Socket#connect, which net.connect, tls.connect, http(s).request and fetch
//   (undici) all end in;
// - listening: net.Server#listen, the base of http(s), tls and http2 servers;
// - UDP: dgram sockets binding, connecting or sending.
// Child Node processes that inherit the environment load it too (network-guard-child.ts). Worker
// threads are not covered.
import dgram from 'node:dgram';
import net from 'node:net';

export const noNetworkMessage = 'unit tests touch no network; move this file to the integration project';

/** Where child processes report their attempts (set by the unit setup file). */
export const childLogVariable = 'PLANTWATCH_NO_NETWORK_LOG';

export class NetworkInUnitTestError extends Error {
  constructor(attempts: readonly string[]) {
    super(`${noNetworkMessage} (see "Tests" in README.md): it tried to ${attempts.join('; ')}`);
    this.name = 'NetworkInUnitTestError';
  }
}

function describeTarget(args: readonly unknown[]): string {
  // net.connect hands Socket#connect its arguments already normalised, as one array
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof second === 'string' ? `${second}:${first}` : `port ${first}`;
  }
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object') {
    const { host, port, path } = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof path === 'string') return path;
    if (port !== undefined) return `${typeof host === 'string' ? host : 'localhost'}:${String(port)}`;
    return 'a handle or file descriptor';
  }
  return 'an unspecified address';
}

/** Replaces the socket entry points; `record` sees each attempt before it is thrown. */
export function installNetworkGuard(record: (attempt: string) => void): void {
  const refuse = (attempt: string): never => {
    record(attempt);
    throw new NetworkInUnitTestError([attempt]);
  };
  net.Socket.prototype.connect = function connect(...args: unknown[]): never {
    return refuse(`connect to ${describeTarget(args)}`);
  };
  net.Server.prototype.listen = function listen(...args: unknown[]): never {
    return refuse(`listen on ${describeTarget(args)}`);
  };
  const udp = dgram.Socket.prototype as unknown as Record<string, unknown>;
  for (const method of ['bind', 'bindSync', 'connect', 'connectSync', 'send']) {
    if (typeof udp[method] !== 'function') continue;
    udp[method] = function udpRefused(...args: unknown[]): never {
      return refuse(
        method === 'send' ? 'send a UDP datagram' : `${method} a UDP socket to ${describeTarget(args)}`,
      );
    };
  }
}
