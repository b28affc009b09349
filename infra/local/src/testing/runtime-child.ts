// Test helper: the local runtime as a real process (testing/runtime-process.ts) on a data directory,
// for crash tests that kill it with SIGKILL and start it again on the same directory.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./runtime-process.ts', import.meta.url));

/** The faults runtime-process.ts can inject (PLANTWATCH_TEST_FAULT). */
export type RuntimeFault = 'kill-after-alarm-commit' | 'hold-ingest-log';

export interface StartedRuntime {
  child: ChildProcess;
  apiUrl: string;
  mqttUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every child started, for the caller's afterAll to kill (killRuntimes). */
const children: ChildProcess[] = [];

/** SIGTERM, and waits until it has stopped. */
export async function stopRuntimeProcess(runtime: StartedRuntime): Promise<void> {
  runtime.child.kill('SIGTERM');
  await runtime.exited;
}

export function killRuntimes(): void {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Starts the runtime process on `dataDir` and waits for its addresses; `env` adds to its environment. */
export async function startRuntimeProcess(
  dataDir: string,
  options: { fault?: RuntimeFault; env?: Record<string, string> } = {},
): Promise<StartedRuntime> {
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      API_PORT: '0',
      MQTT_PORT: '0',
      ALARM_CHECK_SECONDS: '1',
      DEMO: 'off',
      PLANTWATCH_TEST_FAULT: options.fault ?? '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = `${errors}${chunk.toString()}`.slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = new Promise<{ apiUrl: string; mqttUrl: string }>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('{"apiUrl"')) resolve(JSON.parse(line));
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the runtime exited (${code ?? signal}) before it served:\n${errors}`)),
    );
  });
  const { apiUrl, mqttUrl } = await ready;
  return { child, apiUrl, mqttUrl, exited };
}
