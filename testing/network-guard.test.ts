// The unit project's network guard, in a Node process of its own (as a test's child process gets it):
// each way of opening a socket is refused with the message, and recorded for the test to fail on.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childLogVariable, noNetworkMessage } from './network-guard.ts';

const attempts = `
  import dgram from 'node:dgram';
  import http from 'node:http';
  import net from 'node:net';
  import tls from 'node:tls';
  const tries = {
    'net.connect': () => net.connect(5432, '127.0.0.1'),
    'tls.connect': () => tls.connect({ host: 'example.com', port: 443 }),
    'http.request': () => http.request('http://127.0.0.1:8080/').end(),
    'server.listen': () => http.createServer().listen(0, '127.0.0.1'),
    'dgram.bind': () => dgram.createSocket('udp4').bind(0),
    'dgram.send': () => dgram.createSocket('udp4').send('x', 514, '127.0.0.1'),
    fetch: () => fetch('http://127.0.0.1:8080/'),
  };
  for (const [name, attempt] of Object.entries(tries)) {
    try {
      await attempt();
      console.log(name + ': allowed');
    } catch (error) {
      const refusal = error.cause ?? error;
      console.log(name + ': ' + refusal.name + ': ' + refusal.message);
    }
  }
`;

describe('the unit tests network guard', () => {
  let dir: string;
  let log: string;
  let output: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-network-guard-'));
    log = join(dir, 'attempts.log');
    const guard = new URL('./network-guard-child.ts', import.meta.url).href;
    const run = spawnSync(process.execPath, ['--import', guard, '--input-type=module', '-e', attempts], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', [childLogVariable]: log },
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    output = run.stdout.trim().split('\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses connecting, listening, UDP and fetch, saying what was tried and what to do', () => {
    expect(output).toEqual([
      `net.connect: NetworkInUnitTestError: ${noNetworkMessage} (see "Tests" in README.md): it tried to connect to 127.0.0.1:5432`,
      `tls.connect: NetworkInUnitTestError: ${noNetworkMessage} (see "Tests" in README.md): it tried to connect to example.com:443`,
      `http.request: NetworkInUnitTestError: ${noNetworkMessage} (see "Tests" in README.md): it tried to connect to 127.0.0.1:8080`,
      `server.listen: NetworkInUnitTestError: ${noNetworkMessage} (see "Tests" in README.md): it tried to listen on 127.0.0.1:0`,
      `dgram.bind: NetworkInUnitTestError: ${noNetworkMessage} (see "Tests" in README.md): it tried to bind a UDP socket to port 0`,
      `dgram.send: NetworkInUnitTestError: ${noNetworkMessage} (see "Tests" in README.md): it tried to send a UDP datagram`,
      `fetch: NetworkInUnitTestError: ${noNetworkMessage} (see "Tests" in README.md): it tried to connect to 127.0.0.1:8080`,
    ]);
  });

  it('records every attempt where the test that started the process finds it', async () => {
    const recorded = (await readFile(log, 'utf8')).trim().split('\n');
    expect(recorded.map((line) => line.replace(/ \(in child process .*\)$/, ''))).toEqual([
      'connect to 127.0.0.1:5432',
      'connect to example.com:443',
      'connect to 127.0.0.1:8080',
      'listen on 127.0.0.1:0',
      'bind a UDP socket to port 0',
      'send a UDP datagram',
      'connect to 127.0.0.1:8080',
    ]);
  });
});
