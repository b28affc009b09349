// What /v1/health checks on the local runtime: each component it runs (the stores, the broker, the
// report scheduler, the escalation dispatcher, ingest) and each capability that can be degraded.
import { escalationHealthCheck } from '@plantwatch/functions/alarms/dispatcher';
import type { ConfigStore } from '@plantwatch/functions/compose/config-store';
import { configPushHealthCheck } from '@plantwatch/functions/plant/config-push';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { ConfigDatabase } from '@plantwatch/functions/platform/database/database';
import {
  componentCheck,
  configStoreCheck,
  type HealthCheck,
  lastIngestCheck,
  telemetryStoreCheck,
} from '@plantwatch/functions/platform/health';
import type { TelemetryStore } from '@plantwatch/functions/telemetry/ports';
import { sql } from 'drizzle-orm';

/** A pass of the report scheduler runs every minute: three missed ones is a stuck scheduler. */
const SCHEDULER_LATE_MS = 3 * 60_000;

/** What the checks read: the stores, and the parts of the core that run (compose.ts passes both). */
interface CheckedStores {
  database: ConfigDatabase;
  store: ConfigStore;
  telemetry: TelemetryStore;
}
interface CheckedCore {
  reports: { schedulerStatus(): { running: boolean; lastPassAt: Date | null; lastError: string | null } };
  ingestor: { lastStoredAt(): Date | null };
  serviceCanary: { health: HealthCheck } | null;
}

export function localHealthChecks(
  stores: CheckedStores,
  core: CheckedCore,
  broker: { status?(): { listening: boolean; clients: number } },
  startedAt: Date,
): HealthCheck[] {
  const { database } = stores;
  return [
    configStoreCheck({
      kind: database.kind,
      execute: (statement) => database.db.execute(sql.raw(statement)),
    }),
    telemetryStoreCheck(stores.telemetry),
    componentCheck('broker', async () => {
      const status = broker.status?.();
      if (!status) return 'not checked';
      if (!status.listening) throw new Error('the MQTT broker takes no connections');
      return `${status.clients} client(s) connected`;
    }),
    async () => {
      const { running, lastPassAt, lastError } = core.reports.schedulerStatus();
      const late =
        running && lastPassAt && systemClock.now().getTime() - lastPassAt.getTime() > SCHEDULER_LATE_MS;
      return {
        name: 'scheduler',
        status: lastError || late ? 'degraded' : 'ok',
        detail: !running
          ? 'report schedules are not ticked in this process'
          : lastError
            ? `the last pass failed: ${lastError}`
            : lastPassAt
              ? `the last report schedule pass ended ${lastPassAt.toISOString()}`
              : 'the first pass is running',
      };
    },
    // The escalation dispatcher: intents pending or given up on.
    escalationHealthCheck(stores.store, systemClock),
    lastIngestCheck(() => core.ingestor.lastStoredAt(), startedAt, systemClock),
    ...(core.serviceCanary ? [core.serviceCanary.health] : []),
    configPushHealthCheck(stores.store, systemClock),
  ];
}
