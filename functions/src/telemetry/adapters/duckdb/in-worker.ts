// The DuckDB telemetry store on a thread of its own (ADR 0055). DuckDB's appender flushes and closes
// synchronously (a fifth of the main thread at 20-point messages), and the store's result sets are
// turned into objects in JavaScript: on the thread that also runs the broker, ingest and the alarms,
// both wait for each other. Here the store runs unchanged in a worker thread; this side forwards each
// call as a message, so the same `TelemetryStore` contract holds (its tests run against both).
//
// If the thread stops (an uncaught error in it), the calls waiting on it fail with that reason, and
// the next call starts a new one on the same file: what was committed is there, what was not was
// never acknowledged.
import { Worker } from 'node:worker_threads';
import { logger } from '../../../platform/observability.ts';
import type { TelemetryStore } from '../../ports.ts';
import type { DuckDbTelemetryOptions } from './files.ts';
import { fromWireError, type WorkerCall, type WorkerReply } from './worker-protocol.ts';

interface Running {
  worker: Worker;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
}

interface Started {
  running: Running;
  methods: string[];
  values: Record<string, unknown>;
}

function start(
  options: DuckDbTelemetryOptions,
  onExit: (running: Running, code: number) => void,
  onThread?: (worker: Worker) => void,
) {
  return new Promise<Started>((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: options });
    onThread?.(worker);
    const running: Running = { worker, pending: new Map() };
    let ready = false;
    worker.on('message', (reply: WorkerReply) => {
      if ('ready' in reply) {
        if (reply.ready) {
          ready = true;
          resolve({ running, methods: reply.methods, values: reply.values });
        } else {
          reject(fromWireError(reply.error));
          void worker.terminate();
        }
        return;
      }
      const waiting = running.pending.get(reply.id);
      if (!waiting) return;
      running.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(fromWireError(reply.error));
    });
    worker.on('error', (error) => {
      logger.error('telemetry store thread failed', { error: error.message });
      if (!ready) reject(error);
    });
    worker.on('exit', (code) => {
      if (!ready) reject(new Error(`the telemetry store's thread exited (${code}) before it opened`));
      onExit(running, code);
    });
  });
}

/**
 * Opens the DuckDB store in a worker thread; the returned store forwards every call to it.
 * `onThread` sees each thread started (tests stop one to see the next call start another).
 */
export async function openDuckDbTelemetryStoreInWorker(
  options: DuckDbTelemetryOptions,
  onThread?: (worker: Worker) => void,
): Promise<TelemetryStore> {
  // An in-memory store's data ends with its thread: a new thread would answer from an empty store.
  const restartable = options.path !== ':memory:';
  let closing = false;
  let nextId = 1;
  let current: Running | null = null;
  let restarting: Promise<Running> | null = null;
  const onExit = (running: Running, code: number) => {
    const reason = new Error(`the telemetry store's thread stopped (exit code ${code})`);
    for (const waiting of running.pending.values()) waiting.reject(reason);
    running.pending.clear();
    if (current === running) current = null;
    if (!closing) {
      logger.error('telemetry store thread stopped', { code, restartsOnNextCall: restartable });
    }
  };
  const first = await start(options, onExit, onThread);
  current = first.running;

  async function thread(): Promise<Running> {
    if (current) return current;
    if (closing) throw new Error('the telemetry store is closed');
    if (!restartable) throw new Error("the in-memory telemetry store's thread stopped");
    restarting ??= start(options, onExit, onThread).then(
      (started) => {
        restarting = null;
        current = started.running;
        return started.running;
      },
      (error: unknown) => {
        restarting = null;
        throw error;
      },
    );
    return restarting;
  }

  function send(running: Running, method: string, args: unknown[]): Promise<unknown> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      running.pending.set(id, { resolve, reject });
      running.worker.postMessage({ id, method, args } satisfies WorkerCall);
    });
  }

  const store: Record<string, unknown> = { ...first.values };
  for (const method of first.methods) {
    store[method] = async (...args: unknown[]) => send(await thread(), method, args);
  }
  store.close = async () => {
    if (closing) return;
    closing = true;
    const running = current;
    if (!running) return;
    const exited = new Promise<void>((resolve) => running.worker.once('exit', () => resolve()));
    await send(running, 'close', []);
    await exited;
  };
  return store as unknown as TelemetryStore;
}
