export { type DuckDbTelemetryOptions, openDuckDbTelemetryStore } from './telemetry-store.ts';
