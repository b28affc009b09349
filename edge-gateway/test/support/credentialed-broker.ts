// A private Mosquitto broker that wants TLS (server certificate only) and a user name and password, as
// a customer's Sparkplug broker would; on a port chosen at run time, stopped when the test ends.
import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onTestFinished } from 'vitest';
import { freePort } from '../../sim/ports.ts';
import { makeTestPki, type TestPki } from './certificates.ts';
import { mosquittoBinary } from './mosquitto.ts';

const run = promisify(execFile);

export interface CredentialedBroker {
  url: string;
  port: number;
  pki: TestPki;
  username: string;
  password: string;
  stop(): Promise<void>;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

export async function startCredentialedBroker(dir: string): Promise<CredentialedBroker> {
  if (!mosquittoBinary) throw new Error('these tests need the mosquitto binary (apt-get install mosquitto)');
  const pki = await makeTestPki(dir);
  const username = 'plantwatch';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const passwords = join(dir, 'passwords');
  await run('mosquitto_passwd', ['-b', '-c', passwords, username, password]);
  const port = await freePort();
  const config = join(dir, 'mosquitto-tls.conf');
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      `cafile ${pki.ca}`,
      `certfile ${pki.serverCert}`,
      `keyfile ${pki.serverKey}`,
      'require_certificate false',
      'allow_anonymous false',
      `password_file ${passwords}`,
      `user ${userInfo().username}`,
      'log_dest none',
      '',
    ].join('\n'),
  );
  const child = spawn(mosquittoBinary, ['-c', config], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  onTestFinished(stop);
  await waitForPort(port);
  return { url: `mqtts://127.0.0.1:${port}`, port, pki, username, password, stop };
}
