// The DuckDB telemetry store on a thread of its own (ADR 0055): the entry point of the worker that
// `openDuckDbTelemetryStoreInWorker` starts. It opens the store with the options it was given and
// answers calls by message; everything crossing is plain data (structured clone).
import { parentPort, workerData } from 'node:worker_threads';
import type { DuckDbTelemetryOptions } from './files.ts';
import { openDuckDbTelemetryStore } from './telemetry-store.ts';
import { toWireError, type WorkerCall, type WorkerReply } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread (openDuckDbTelemetryStoreInWorker)');

try {
  const store = await openDuckDbTelemetryStore(workerData as DuckDbTelemetryOptions);
  const methods = Object.entries(store)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name);
  const values = Object.fromEntries(Object.entries(store).filter(([, value]) => typeof value !== 'function'));
  port.on('message', (call: WorkerCall) => {
    const method = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
      call.method
    ];
    const reply = (message: WorkerReply) => port.postMessage(message);
    if (typeof method !== 'function') {
      reply({ id: call.id, ok: false, error: toWireError(new Error(`no store method ${call.method}`)) });
      return;
    }
    method.apply(store, call.args).then(
      (value) => {
        reply({ id: call.id, ok: true, value });
        // After close, nothing is left for this thread to do: let it end.
        if (call.method === 'close') port.close();
      },
      (error: unknown) => reply({ id: call.id, ok: false, error: toWireError(error) }),
    );
  });
  port.postMessage({ ready: true, methods, values } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ ready: false, error: toWireError(error) } satisfies WorkerReply);
}
