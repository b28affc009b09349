// Test wiring (integration tests only): a local AWS emulator (moto, ../shared/tools/aws-emulator) on a
// port chosen at run time, and what the tests need to point the real AWS adapters and Lambda handlers
// at it. The SDK clients find it through AWS_ENDPOINT_URL (the SDK reads it by itself; Timestream's
// clients take AWS_ENDPOINT_URL_TIMESTREAM_WRITE/_QUERY, which turn endpoint discovery off).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Relative to the repository root, as the handbook places it: the repository is cloned beside ../shared. */
export const AWS_EMULATOR_SCRIPT = fileURLToPath(
  new URL('../../../../shared/tools/aws-emulator', import.meta.url),
);

export class AwsEmulatorMissingError extends Error {}

export interface AwsEmulator {
  readonly endpoint: string;
  /** What the SDK and the Lambda environment parsers need to talk to the emulator. */
  readonly env: Record<string, string>;
  /** moto's view of everything it holds (sent SMS and e-mail, Timestream records, …). */
  data(): Promise<Record<string, Record<string, unknown[]>>>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the AWS emulator exited with ${child.exitCode} before answering`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `the AWS emulator did not answer at ${endpoint} within ${timeoutMs} ms: ${String(lastError)}`,
  );
}

/** Starts the emulator on a free port of 127.0.0.1 and waits until it answers. */
export async function startAwsEmulator(options: { timeoutMs?: number } = {}): Promise<AwsEmulator> {
  if (!existsSync(AWS_EMULATOR_SCRIPT)) {
    throw new AwsEmulatorMissingError(
      `the AWS emulator script ${AWS_EMULATOR_SCRIPT} is missing: these tests need the repository cloned beside ../shared ` +
        '(../shared/tools/aws-emulator, see the handbook); .ci/run installs it with `../shared/tools/aws-emulator install`',
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(AWS_EMULATOR_SCRIPT, ['run', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  try {
    await waitUntilAnswering(endpoint, child, options.timeoutMs ?? 90_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ENDPOINT_URL_TIMESTREAM_WRITE: endpoint,
      AWS_ENDPOINT_URL_TIMESTREAM_QUERY: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'emulator',
      AWS_SECRET_ACCESS_KEY: 'emulator',
    },
    async data() {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      return (await response.json()) as Record<string, Record<string, unknown[]>>;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** Sets `env` in process.env for the duration of a suite; returns how to put it back. */
export function useEnvironment(env: Record<string, string>): () => void {
  const saved = new Map(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
