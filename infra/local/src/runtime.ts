// The local runtime's life: bind the listeners, compose the capabilities (compose.ts), serve, run the
// timers, and stop it all in order. One Node process with embedded stores, as `npm start` runs it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAlarmCheckTimer } from '@plantwatch/functions/alarms/check';
import type { ConfigStore } from '@plantwatch/functions/compose/config-store';
import {
  type PeriodicDerivedTagSummary,
  startPeriodicDerivedTagTimer,
} from '@plantwatch/functions/derived-tags/timer';
import { createPostgresHousekeepingStore } from '@plantwatch/functions/housekeeping/adapters/postgres/housekeeping';
import {
  type HousekeepingSummary,
  startHousekeepingTimer,
} from '@plantwatch/functions/housekeeping/housekeeping';
import type { Notifier } from '@plantwatch/functions/notify/ports';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { runHealthChecks } from '@plantwatch/functions/platform/health';
import type { ApiHandler } from '@plantwatch/functions/platform/http/handler';
import { uuidV7Ids } from '@plantwatch/functions/platform/ids';
import { logger } from '@plantwatch/functions/platform/observability';
import { startPeriodic } from '@plantwatch/functions/platform/periodic';
import { runRetention } from '@plantwatch/functions/retention/retention';
import type { TelemetryStore } from '@plantwatch/functions/telemetry/ports';
import { snapshotAllUsage } from '@plantwatch/functions/usage/usage';
import type { GatewayTopicIds } from '@plantwatch/shared';
import { startNightlyBackups, writeBackup } from './backup/backup.ts';
import type { SnapshotSources } from './backup/snapshot.ts';
import {
  composeApiDeps,
  composeCore,
  createLocalApi,
  type LocalCompositionOptions,
  type LocalDeps,
  openLocalStores,
} from './compose.ts';
import { guardDataDir, secureDataDir, tightenModes } from './data-dir.ts';
import { seedDemoAlarmRules } from './demo-alarms.ts';
import { seedDemoAreas } from './demo-areas.ts';
import { seedDemoAssets } from './demo-assets.ts';
import { seedDemoCurveRule } from './demo-curves.ts';
import { seedDemoEscalation } from './demo-escalation.ts';
import { seedDemoKpis } from './demo-kpis.ts';
import { seedDemoWindowRules } from './demo-windows.ts';
import type { LocalEnv } from './env.ts';
import type { LocalEscalationStarter } from './escalation-runner.ts';
import { serveApi } from './http-server.ts';
import { type IngestLog, openIngestLog } from './ingest-log.ts';
import { createIngestPump } from './ingest-pump.ts';
import { listen } from './listen.ts';
import { startMqttBroker } from './mqtt-broker.ts';
import type { LocalReports } from './report-scheduler.ts';
import { seedDemoTenant } from './seed.ts';

export interface LocalRuntimeOptions extends LocalCompositionOptions {
  env: LocalEnv;
  /** Ports the user set on purpose; they are never swapped for a free one. */
  explicitPorts?: ReadonlySet<string>;
  seedDemo?: boolean;
  /** Overrides ALARM_CHECK_SECONDS (tests run the check often, or call alarmCheck.runNow). */
  alarmCheckIntervalMs?: number;
  /** How often derived tags with a period look for boundaries that passed (ADR 0051); a second by default. */
  derivedTagTimerIntervalMs?: number;
}

export interface LocalRuntime {
  apiUrl: string;
  /** mqtts:// URL of the broker gateways connect to. */
  mqttUrl: string;
  /** The PEM of the local CA the broker's certificate chains to. */
  caPem: string;
  /** The whole config store (seeding, tests); the API's use-cases each see only their part. */
  store: ConfigStore;
  telemetry: TelemetryStore;
  /**
   * Telemetry from the broker, acknowledged once logged and applied behind (ADR 0058): `applied()`
   * waits until what was acknowledged so far is stored and evaluated.
   */
  ingestLog: Pick<IngestLog, 'applied' | 'status'>;
  notes: string[];
  /** password is null when DEMO_PASSWORD is not the existing demo user's password. */
  demo: { email: string; password: string | null; created: boolean; tenantId: string } | null;
  deps: LocalDeps;
  /** The HTTP API the server serves (tests call it directly too). */
  api: ApiHandler;
  /** Scheduled reports: the run queue and a scheduler pass on demand (tests). */
  reports: LocalReports;
  /** Sends alarm messages: the outbox by default, SMTP with SMTP_URL, Twilio for tenants with an account. */
  notifier: Notifier;
  /** Escalation chains run in process; running ones resume at start. */
  escalation: LocalEscalationStarter;
  /** The periodic alarm check (comm loss, delays, shelving expiry); runNow for tests. */
  alarmCheck: { runNow(): Promise<unknown> };
  /** Derived tags with a period (ADR 0051), computed at each boundary that passed; runNow for tests. */
  derivedTagTimer: { runNow(): Promise<PeriodicDerivedTagSummary> };
  /** Hourly housekeeping (expired sessions and links, lost report runs); runNow for tests. */
  housekeeping: { runNow(): Promise<HousekeepingSummary> };
  /** Hourly usage records of every tenant; runNow for tests. */
  usageSnapshot: { runNow(): Promise<{ tenants: number; failed: number }> };
  /**
   * The web app sends this in x-plantwatch-proxy-secret with its browser's address and User-Agent
   * (x-plantwatch-client-ip, x-plantwatch-client-agent); a new one each start.
   */
  webProxySecret: string;
  close(): Promise<void>;
}

/**
 * How `npm run backup` finds this runtime and proves it may ask it for a backup: DATA_DIR/runtime.json
 * (the API's address and this process) and DATA_DIR/admin-token (0600: only DATA_DIR's owner reads it).
 */
async function adminAccess(
  dataDir: string,
  apiUrl: string,
): Promise<{ token: string; release(): Promise<void> }> {
  const token = randomBytes(32).toString('base64url');
  await writeFile(join(dataDir, 'admin-token'), token, { mode: 0o600 });
  await writeFile(join(dataDir, 'runtime.json'), JSON.stringify({ apiUrl, pid: process.pid }), {
    mode: 0o600,
  });
  return {
    token,
    release: async () => {
      await rm(join(dataDir, 'runtime.json'), { force: true });
      await rm(join(dataDir, 'admin-token'), { force: true });
    },
  };
}

const hostInUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

async function demoPasswordWorks(deps: LocalDeps, email: string, password: string): Promise<boolean> {
  const credentials = await deps.store.findCredentialsByEmail(email);
  return credentials?.passwordHash ? deps.passwords.verify(password, credentials.passwordHash) : false;
}

async function seedDemo(deps: LocalDeps, env: LocalEnv): Promise<NonNullable<LocalRuntime['demo']>> {
  const seeded = await seedDemoTenant(deps, { email: env.DEMO_EMAIL, password: env.DEMO_PASSWORD });
  await seedDemoAlarmRules(deps, seeded.tenantId);
  await seedDemoKpis(deps, seeded.tenantId);
  await seedDemoWindowRules(deps, seeded.tenantId);
  await seedDemoCurveRule(deps, seeded.tenantId);
  await seedDemoEscalation(deps, seeded.tenantId);
  await seedDemoAssets(deps, seeded.tenantId);
  await seedDemoAreas(deps, seeded.tenantId, env.DEMO_PASSWORD);
  const email = env.DEMO_EMAIL.toLowerCase();
  // An existing demo user keeps its password: never print one that would not work.
  const passwordWorks = seeded.created || (await demoPasswordWorks(deps, email, env.DEMO_PASSWORD));
  return {
    email,
    password: passwordWorks ? env.DEMO_PASSWORD : null,
    created: seeded.created,
    tenantId: seeded.tenantId,
  };
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { env } = options;
  const explicit = (name: string) => options.explicitPorts?.has(name) ?? false;
  const notes: string[] = [];
  // Stopped in two waves: first what takes work in (listeners, ingest, timers), then what does it.
  const front: (() => Promise<void>)[] = [];
  const back: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const wave of [front, back]) for (let close = wave.pop(); close; close = wave.pop()) await close();
  };
  try {
    // DATA_DIR is private (0700, files 0600) whenever the runtime keeps data in it; tests with
    // in-memory stores do not touch it. The guard's last pass runs after the stores have closed.
    if (options.database === undefined) {
      await secureDataDir(resolve(env.DATA_DIR));
      const guard = guardDataDir(resolve(env.DATA_DIR));
      back.push(() => guard.stop());
    }
    const stores = await openLocalStores(env, options);
    back.push(() => stores.close());
    if (options.database === undefined) await tightenModes(resolve(env.DATA_DIR));
    // Backups: only of what lives in DATA_DIR (embedded stores); a PostgreSQL server has its own tools.
    const embedded = options.database === undefined && !env.DATABASE_URL;
    const dataDir = resolve(env.DATA_DIR);
    const snapshotSources: SnapshotSources = {
      dataDir,
      database: stores.database,
      telemetry: stores.telemetry,
    };
    const nightly =
      embedded && env.BACKUP_DIR && env.BACKUP_PASSPHRASE
        ? startNightlyBackups(snapshotSources, {
            dir: resolve(env.BACKUP_DIR),
            keep: env.BACKUP_KEEP,
            passphrase: env.BACKUP_PASSPHRASE,
          })
        : null;
    if (nightly) front.push(async () => nightly.stop());

    // The API's socket first: its address is part of what is composed (links, Twilio signatures).
    const server = createServer();
    front.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );
    const listening = await listen(server, env.HOST, env.API_PORT, explicit('API_PORT'));
    if (listening.note) notes.push(`API: ${listening.note}`);
    const apiUrl = `http://${hostInUrl(env.HOST)}:${listening.port}`;

    const core = await composeCore(stores, env, options, env.PUBLIC_API_URL ?? apiUrl);
    back.push(() => core.close());
    // Status and command answers straight to ingest; telemetry through the ingest log (ADR 0058),
    // in DATA_DIR, or a folder of its own for a runtime whose stores are not kept there (tests).
    const pump = createIngestPump(core.ingestor.ingestBatch);
    front.push(() => pump.close());
    const ingestLogDir =
      options.database === undefined
        ? join(dataDir, 'ingest-log')
        : await mkdtemp(join(tmpdir(), 'plantwatch-ingest-log-'));
    if (options.database !== undefined) back.push(() => rm(ingestLogDir, { recursive: true, force: true }));
    const ingestLog = await openIngestLog({
      dir: ingestLogDir,
      apply: options.faults?.holdIngestLog ? () => new Promise(() => {}) : core.ingestor.ingestBatch,
      metrics: core.metrics,
    });
    front.push(() => ingestLog.close());
    snapshotSources.ingestLog = ingestLog;
    const broker = await startMqttBroker({
      host: env.HOST,
      port: env.MQTT_PORT,
      explicitPort: explicit('MQTT_PORT'),
      tls: {
        ...(await stores.authority.issueServerCertificate([
          ...new Set([env.HOST, '127.0.0.1', 'localhost']),
        ])),
        caPem: stores.authority.caPem,
      },
      gatewayForCertificate: async (fingerprint): Promise<GatewayTopicIds | null> => {
        const found = await stores.store.findGatewayByCertificate(fingerprint);
        if (!found || found.revokedAt !== null || found.notAfter.getTime() < Date.now()) return null;
        return { tenantId: found.tenantId, siteId: found.siteId, gatewayId: found.gatewayId };
      },
      // Telemetry, the status topic (online, or the Last Will) and command answers go to ingest.
      onPublish: (message) =>
        message.topic.endsWith('/telemetry')
          ? ingestLog.submit(message)
          : message.topic.endsWith('/status') || message.topic.endsWith('/response')
            ? pump.submit(message)
            : Promise.resolve(),
    });
    front.push(() => broker.close());
    if (broker.note) notes.push(`MQTT: ${broker.note}`);

    const deps = composeApiDeps(
      stores,
      core,
      options,
      broker,
      [...(nightly ? [nightly.health] : []), () => ingestLog.health()],
      env.GATEWAY_PUBLISH_INTERVAL_MS,
    );
    // The web app (a child of `npm start`) proves itself with this when it forwards its browser's address.
    const webProxySecret = randomBytes(32).toString('base64url');
    const api = createLocalApi(deps, webProxySecret);
    const demo = (options.seedDemo ?? true) ? await seedDemo(deps, env) : null;
    const admin = embedded ? await adminAccess(dataDir, apiUrl) : null;
    // The broker's clients and connected gateways, read at each scrape.
    core.metrics.onCollect(async () => {
      const status = broker.status();
      core.metrics.gauge('broker_clients', status.clients);
      core.metrics.gauge('gateway_connections', status.gateways);
      const log = ingestLog.status();
      core.metrics.gauge('ingest_log_pending_messages', log.pending);
      core.metrics.gauge('ingest_log_oldest_pending_seconds', (log.oldestPendingMs ?? 0) / 1000);
    });
    serveApi(server, api, {
      metrics: core.metrics,
      requests: core.metrics,
      readiness: async () => {
        const report = await runHealthChecks(deps.healthChecks);
        const down = report.checks.filter((check) => check.required && check.status === 'down');
        return { status: report.status, down: down.map((check) => `${check.name}: ${check.detail}`) };
      },
      ...(admin
        ? {
            admin: {
              token: admin.token,
              backup: (to, passphrase) =>
                writeBackup(snapshotSources, resolve(to), passphrase, systemClock.now()),
            },
          }
        : {}),
    });
    if (admin) front.push(admin.release);

    // Config versions the broker has not taken yet (it failed, or a restart came between commit and
    // publish) go again every few seconds, and once now.
    const configRedrive = startPeriodic('config push', () => deps.configPush.redrive(), 5_000);
    front.push(() => configRedrive.stop());
    configRedrive.runNow().catch((error: unknown) => logger.error('config push re-drive failed', { error }));
    const alarmCheck = startAlarmCheckTimer(
      {
        store: stores.store,
        ids: uuidV7Ids,
        clock: systemClock,
        dispatcher: core.dispatcher,
        changes: core.changes,
        // what ingest saw last (its bookkeeping is written behind): no comm loss from a stale row
        states: core.alarmStates,
        // the check's own raises (comm loss, delays running out) counted in alarms_raised too
        metrics: core.metrics,
        // the tenants' canaries: test pages due, retried and judged on every check
        canaries: core.tenantCanaries,
      },
      options.alarmCheckIntervalMs ?? env.ALARM_CHECK_SECONDS * 1000,
    );
    front.push(() => alarmCheck.stop());
    const derivedTagTimer = startPeriodicDerivedTagTimer(
      core.periodicDerivedTags,
      options.derivedTagTimerIntervalMs ?? 1_000,
    );
    front.push(() => derivedTagTimer.stop());
    if (core.serviceCanary) {
      const canary = core.serviceCanary;
      // The canary decides when a trip is due; looking often keeps the verdict close to its deadline.
      const lookMs = Math.min(5_000, options.serviceCanary?.everyMs ?? 5_000);
      const trips = startPeriodic('service canary', () => canary.run(), lookMs);
      front.push(() => trips.stop());
    }
    const housekeeping = startHousekeepingTimer({
      store: createPostgresHousekeepingStore(stores.database.db),
      clock: systemClock,
    });
    front.push(() => housekeeping.stop());
    // Once at start too: a run lost to the last stop is failed without waiting an hour (stop waits for it).
    housekeeping.runNow().catch((error: unknown) => logger.error('housekeeping failed', { error }));
    // Every tenant's daily usage record, hourly (and once now): what billing reads (GET /v1/usage).
    const usageSnapshot = startPeriodic(
      'usage snapshot',
      () =>
        snapshotAllUsage({
          store: stores.store,
          lookups: stores.store,
          clock: systemClock,
          telemetryRetentionDays: Math.round(stores.telemetry.maxPointAgeMs / 86_400_000),
        }),
      3_600_000,
    );
    front.push(() => usageSnapshot.stop());
    // Each tenant's retention, once a night after 02:00 in its time zone (looked at hourly, and now).
    const deleteTenantBefore = stores.telemetry.deleteTenantBefore?.bind(stores.telemetry);
    const retention = startPeriodic(
      'retention',
      () =>
        runRetention({
          store: stores.store,
          clock: systemClock,
          ids: uuidV7Ids,
          tenantIds: () => stores.store.tenantIdsForUsage(),
          reportFiles: core.reports.deps.files,
          ...(deleteTenantBefore ? { telemetry: { deleteTenantBefore } } : {}),
        }),
      3_600_000,
    );
    front.push(() => retention.stop());
    retention.runNow().catch((error: unknown) => logger.error('retention failed', { error }));
    usageSnapshot.runNow().catch((error: unknown) => logger.error('usage snapshot failed', { error }));
    core.reports.start();
    const resumed = await core.escalation.resumeRunning();
    if (resumed > 0) notes.push(`Escalation: resumed ${resumed} chain(s) left running by the last stop`);
    // Pages the last stop left undelivered go out now, not at the first alarm check.
    const redriven = await core.dispatcher.redrive();
    if (redriven.delivered > 0)
      notes.push(`Escalation: delivered ${redriven.delivered} page(s) left pending by the last stop`);
    return {
      apiUrl,
      mqttUrl: broker.url,
      caPem: stores.authority.caPem,
      store: stores.store,
      telemetry: stores.telemetry,
      ingestLog,
      notes,
      demo,
      deps,
      api,
      reports: core.reports,
      notifier: core.notifier,
      escalation: core.escalation,
      alarmCheck,
      derivedTagTimer,
      housekeeping,
      usageSnapshot,
      webProxySecret,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
