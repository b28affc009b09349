export type { DuckDbTelemetryOptions } from './files.ts';
export { openDuckDbTelemetryStoreInWorker } from './in-worker.ts';
export { openDuckDbTelemetryStore } from './telemetry-store.ts';
