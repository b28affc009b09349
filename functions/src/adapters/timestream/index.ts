export {
  createTimestreamClients,
  MAX_RECORDS_PER_WRITE,
  openTimestreamTelemetryStore,
  type TimestreamTelemetryOptions,
  timestreamRollupQueries,
} from './telemetry-store.ts';
