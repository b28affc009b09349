export type { DuckDbTelemetryOptions } from './files.ts';
export { openDuckDbTelemetryStore } from './telemetry-store.ts';
