export {
  createPostgresRateLimiter,
  type PostgresRateLimiterOptions,
  purgeEndedRateLimitWindows,
} from '../accounts/adapters/postgres/rate-limiter.ts';
export { createRunningEscalationsLookup } from '../escalation/adapters/postgres/escalation-repos.ts';
export { createPostgresHousekeepingStore } from '../housekeeping/adapters/postgres/housekeeping.ts';
export {
  APP_ROLE,
  type ConfigDatabase,
  type ConfigDatabaseOptions,
  type ConfigDb,
  openConfigDatabase,
} from '../platform/database/database.ts';
export { createReportScheduleIndex } from '../reports/adapters/postgres/reports-repos.ts';
export {
  openPostgresTelemetryStore,
  type PostgresTelemetryOptions,
} from '../telemetry/adapters/postgres/telemetry-store.ts';
export { createPostgresConfigStore } from './config-store.ts';
