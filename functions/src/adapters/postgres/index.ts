export {
  APP_ROLE,
  type ConfigDatabase,
  type ConfigDatabaseOptions,
  type ConfigDb,
  openConfigDatabase,
} from './database.ts';
export { createRunningEscalationsLookup } from './escalation-repos.ts';
export { createPostgresHousekeepingStore } from './housekeeping.ts';
export {
  createPostgresRateLimiter,
  type PostgresRateLimiterOptions,
  purgeEndedRateLimitWindows,
} from './rate-limiter.ts';
export { createReportScheduleIndex } from './reports-repos.ts';
export { createPostgresConfigStore } from './store.ts';
export { openPostgresTelemetryStore, type PostgresTelemetryOptions } from './telemetry-store.ts';
