// A private Mosquitto broker a test can stop and start (on the same port), with persistence so a
// subscriber's session and queued messages survive the restart. Killed when the test ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { freePort } from '../../sim/ports.ts';

export const mosquittoBinary = [
  '/usr/sbin/mosquitto',
  '/usr/bin/mosquitto',
  '/usr/local/sbin/mosquitto',
].find((p) => existsSync(p));

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
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
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
}

export class PrivateBroker {
  readonly port: number;
  readonly #config: string;
  readonly #scheme: string;
  #child: ChildProcess | null = null;
  #frozen = false;

  private constructor(port: number, config: string, scheme: string) {
    this.port = port;
    this.#config = config;
    this.#scheme = scheme;
  }

  /** With `tls`, the listener speaks TLS and requires a client certificate signed by `tls.ca`. */
  static async start(dir: string, tls?: { ca: string; cert: string; key: string }): Promise<PrivateBroker> {
    if (!mosquittoBinary)
      throw new Error('these tests need the mosquitto binary (apt-get install mosquitto)');
    const port = await freePort();
    const config = join(dir, 'mosquitto.conf');
    await writeFile(
      config,
      [
        `listener ${port} 127.0.0.1`,
        ...(tls
          ? [`cafile ${tls.ca}`, `certfile ${tls.cert}`, `keyfile ${tls.key}`, 'require_certificate true']
          : []),
        'allow_anonymous true',
        // Run as root, mosquitto would switch to user "mosquitto", who cannot read this test's
        // private temp dir (keys, persistence): stay the user that runs the tests.
        `user ${userInfo().username}`,
        'persistence true',
        `persistence_location ${dir}/`,
        'autosave_interval 1',
        'max_inflight_messages 0',
        'max_queued_messages 0',
        'log_dest none',
        '',
      ].join('\n'),
    );
    const broker = new PrivateBroker(port, config, tls ? 'mqtts' : 'mqtt');
    onTestFinished(() => broker.stop());
    await broker.resume();
    return broker;
  }

  get url(): string {
    return `${this.#scheme}://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    if (this.#child) return;
    const child = spawn(mosquittoBinary ?? 'mosquitto', ['-c', this.#config], { stdio: 'ignore' });
    this.#child = child;
    child.once('exit', () => {
      if (this.#child === child) this.#child = null;
    });
    await waitForPort(this.port, 10_000);
  }

  /** SIGSTOP: the broker keeps its sockets open and answers nothing, as a hung broker would. */
  freeze(): void {
    if (!this.#child) throw new Error('the broker is not running');
    this.#child.kill('SIGSTOP');
    this.#frozen = true;
  }

  thaw(): void {
    if (!this.#frozen) return;
    this.#child?.kill('SIGCONT');
    this.#frozen = false;
  }

  async stop(): Promise<void> {
    this.thaw();
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
