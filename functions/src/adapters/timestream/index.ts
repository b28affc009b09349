export {
  createTimestreamClients,
  MAX_RECORDS_PER_WRITE,
  openTimestreamTelemetryStore,
  ROLLUP_CATCH_UP_EVERY_MS,
  ROLLUP_LATENESS_MS,
  ROLLUP_WIDTH_MS,
  type RollupSchedule,
  type RollupWidth,
  rollupLookbackMs,
  rollupWindowStartMs,
  type TimestreamTelemetryOptions,
  timestreamRollupQueries,
} from './telemetry-store.ts';
