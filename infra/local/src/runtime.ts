// Composition root of the local runtime: embedded stores, local adapters, the API over HTTP.
import { join, resolve } from 'node:path';
import {
  createLocalEscalationStarter,
  createMemoryRateLimiter,
  createScryptPasswordHasher,
  type LocalEscalationStarter,
  localGatewayCertificateIssuer,
  OWASP_SCRYPT_COST,
  openLocalCertificateAuthority,
  type ScryptCost,
  uuidV7Ids,
} from '@plantwatch/functions/compose/local';
import {
  type ConfigDatabaseOptions,
  createPostgresConfigStore,
  createPostgresHousekeepingStore,
  createRunningEscalationsLookup,
  openConfigDatabase,
} from '@plantwatch/functions/compose/postgres';
import { housekeeping, notify } from '@plantwatch/functions/compose/use-cases';
import {
  createAlarmEvaluator,
  createIngestHandler,
  startAlarmCheckTimer,
} from '@plantwatch/functions/ingest/index';
import {
  createCompositeNotifier,
  createSmtpEmailSender,
  createTwilioSmsSender,
  createTwilioVoiceSender,
  databaseNotificationSecrets,
  localRouting,
} from '@plantwatch/functions/notify/adapters/index';
import type { Notifier } from '@plantwatch/functions/notify/ports';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { type ApiDeps, createApiHandler } from '@plantwatch/functions/platform/http/index';
import { logger } from '@plantwatch/functions/platform/observability';
import type { TelemetryStore } from '@plantwatch/functions/telemetry/ports';
import type { GatewayTopicIds } from '@plantwatch/shared';
import { seedDemoAlarmRules } from './demo-alarms.ts';
import { seedDemoEscalation } from './demo-escalation.ts';
import type { LocalEnv } from './env.ts';
import { createApiServer } from './http-server.ts';
import { createIngestPump } from './ingest-pump.ts';
import { listen } from './listen.ts';
import { type MqttBroker, startMqttBroker } from './mqtt-broker.ts';
import { createLocalReports, type LocalReportOptions, type LocalReports } from './report-scheduler.ts';
import { seedDemoTenant } from './seed.ts';
import { openTelemetryStore, type TelemetryStoreOverride } from './telemetry-store.ts';

export interface LocalRuntimeOptions {
  env: LocalEnv;
  /** Ports the user set on purpose; they are never swapped for a free one. */
  explicitPorts?: ReadonlySet<string>;
  /** Tests lower the KDF cost to keep suites fast; production uses OWASP's. */
  passwordCost?: ScryptCost;
  seedDemo?: boolean;
  /** Overrides where the config store lives (tests use an in-memory PGlite). */
  database?: ConfigDatabaseOptions;
  loginLimits?: { attemptsPerIpPer5Min: number; failuresPerAccountPer15Min: number };
  /** Overrides the telemetry store (tests use an in-memory DuckDB). */
  telemetry?: TelemetryStoreOverride;
  /** Where the local CA lives; null keeps it in memory (tests). Default DATA_DIR/ca. */
  certificateDir?: string | null;
  /** Report mail, files and scheduling overrides (tests). */
  reports?: LocalReportOptions;
  /** Twilio's API base URL; tests point it at a fake Twilio on 127.0.0.1. */
  twilioApiUrl?: string;
  /** Overrides ALARM_CHECK_SECONDS (tests run the check often, or call alarmCheck.runNow). */
  alarmCheckIntervalMs?: number;
  /** Tests and benchmarks: each escalation Wait pauses this many ms instead of the level's delay. */
  escalationWaitMs?: number;
}

export interface LocalRuntime {
  apiUrl: string;
  /** mqtts:// URL of the broker gateways connect to. */
  mqttUrl: string;
  /** The PEM of the local CA the broker's certificate chains to. */
  caPem: string;
  telemetry: TelemetryStore;
  notes: string[];
  /** password is null when DEMO_PASSWORD is not the existing demo user's password. */
  demo: { email: string; password: string | null; created: boolean; tenantId: string } | null;
  deps: ApiDeps;
  /** Scheduled reports: the run queue and a scheduler pass on demand (tests). */
  reports: LocalReports;
  /** Sends alarm messages: the outbox by default, SMTP with SMTP_URL, Twilio for tenants with an account. */
  notifier: Notifier;
  /** Escalation chains run in process (also deps.escalation); running ones resume at start. */
  escalation: LocalEscalationStarter;
  /** The periodic alarm check (comm loss, delays, shelving expiry); runNow for tests. */
  alarmCheck: { runNow(): Promise<unknown> };
  /** Hourly housekeeping (expired sessions and links, lost report runs); runNow for tests. */
  housekeeping: { runNow(): Promise<housekeeping.HousekeepingSummary> };
  close(): Promise<void>;
}

async function demoPasswordWorks(deps: ApiDeps, email: string, password: string): Promise<boolean> {
  const credentials = await deps.store.findCredentialsByEmail(email);
  return credentials?.passwordHash ? deps.passwords.verify(password, credentials.passwordHash) : false;
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { env } = options;
  const notes: string[] = [];
  const database = await openConfigDatabase(
    options.database ??
      (env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: join(resolve(env.DATA_DIR), 'config-db') }),
  );
  const store = createPostgresConfigStore(database.db, () => database.close());
  const closers: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async () => {
    // Last opened, first closed: the API and broker stop taking work before the stores go.
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  };
  let mqttUrl = '';
  let apiUrl = '';
  let telemetry: TelemetryStore;
  let authority: Awaited<ReturnType<typeof openLocalCertificateAuthority>>;
  try {
    telemetry = await openTelemetryStore(env, options.telemetry);
    closers.push(() => telemetry.close());
    authority = await openLocalCertificateAuthority(
      options.certificateDir === undefined ? join(resolve(env.DATA_DIR), 'ca') : options.certificateDir,
    );
  } catch (error) {
    await closeAll();
    throw error;
  }
  let reports: LocalReports;
  try {
    reports = await createLocalReports({
      dataDir: env.DATA_DIR,
      smtpUrl: env.SMTP_URL,
      linkSecret: env.REPORT_LINK_SECRET,
      store,
      telemetry,
      db: database.db,
      clock: systemClock,
      ids: uuidV7Ids,
      ...(options.reports ? { options: options.reports } : {}),
    });
    closers.push(() => reports.close());
  } catch (error) {
    await closeAll();
    throw error;
  }
  const limits = options.loginLimits ?? { attemptsPerIpPer5Min: 50, failuresPerAccountPer15Min: 10 };
  const deps: ApiDeps = {
    store,
    telemetry,
    gatewayCertificates: localGatewayCertificateIssuer(authority, () => mqttUrl),
    passwords: createScryptPasswordHasher(options.passwordCost ?? OWASP_SCRYPT_COST),
    clock: systemClock,
    ids: uuidV7Ids,
    loginAttemptsPerIp: createMemoryRateLimiter({
      points: limits.attemptsPerIpPer5Min,
      durationSeconds: 300,
    }),
    loginFailuresPerAccount: createMemoryRateLimiter({
      points: limits.failuresPerAccountPer15Min,
      durationSeconds: 900,
    }),
    sessionTtlMs: 12 * 3_600_000,
    inviteTtlMs: 7 * 86_400_000,
    reports: reports.deps,
    notify: {
      secrets: databaseNotificationSecrets(store, 'twilio'),
      publicApiUrl: () => env.PUBLIC_API_URL ?? apiUrl,
      publicUrlFromRequestDomain: false,
      defaultSmsProvider: 'twilio',
      generateMissingSecrets: true,
    },
  };
  const smtp = env.SMTP_URL ? createSmtpEmailSender({ url: env.SMTP_URL, from: env.SMTP_FROM }) : undefined;
  if (smtp) closers.push(async () => smtp.close());
  const twilio = { baseUrl: options.twilioApiUrl, publicApiUrl: deps.notify.publicApiUrl };
  const notifier = createCompositeNotifier({
    store,
    clock: systemClock,
    ids: uuidV7Ids,
    config: (tenantId) => notify.loadTenantNotifyConfig(deps, tenantId),
    routing: localRouting({
      email: smtp,
      twilioSms: createTwilioSmsSender(twilio),
      twilioVoice: createTwilioVoiceSender(twilio),
    }),
    publicApiUrl: deps.notify.publicApiUrl,
  });
  // The shared ASL, run in process; the escalations table says which chains run (ADR 0015).
  const escalation = createLocalEscalationStarter({
    store,
    running: createRunningEscalationsLookup(database.db),
    notifier,
    ids: uuidV7Ids,
    clock: systemClock,
    ...(options.escalationWaitMs === undefined ? {} : { waitMs: options.escalationWaitMs }),
  });
  deps.escalation = escalation;
  closers.push(() => escalation.close());

  try {
    let demo: LocalRuntime['demo'] = null;
    if (options.seedDemo ?? true) {
      const seeded = await seedDemoTenant(deps, { email: env.DEMO_EMAIL, password: env.DEMO_PASSWORD });
      await seedDemoAlarmRules(deps, seeded.tenantId);
      await seedDemoEscalation(deps, seeded.tenantId);
      // An existing demo user keeps its password: never print one that would not work.
      const passwordWorks =
        seeded.created || (await demoPasswordWorks(deps, env.DEMO_EMAIL.toLowerCase(), env.DEMO_PASSWORD));
      demo = {
        email: env.DEMO_EMAIL.toLowerCase(),
        password: passwordWorks ? env.DEMO_PASSWORD : null,
        created: seeded.created,
        tenantId: seeded.tenantId,
      };
    }
    // Escalation is read when used, so whoever fills in deps.escalation later is seen by the alarms too.
    const alarmDeps = {
      store,
      clock: systemClock,
      ids: uuidV7Ids,
      get escalation() {
        return deps.escalation;
      },
    };
    const pump = createIngestPump(
      createIngestHandler({
        store,
        telemetry,
        alarms: createAlarmEvaluator(alarmDeps),
        clock: systemClock,
        ids: uuidV7Ids,
      }),
    );
    closers.push(() => pump.close());
    const alarmCheck = startAlarmCheckTimer(
      alarmDeps,
      options.alarmCheckIntervalMs ?? env.ALARM_CHECK_SECONDS * 1000,
    );
    closers.push(() => alarmCheck.stop());
    const housekeepingJob = housekeeping.startHousekeepingTimer({
      store: createPostgresHousekeepingStore(database.db),
      clock: systemClock,
    });
    closers.push(() => housekeepingJob.stop());
    // Once at start too: a run lost to the last stop is failed without waiting an hour (stop waits for it).
    housekeepingJob.runNow().catch((error: unknown) => logger.error('housekeeping failed', { error }));
    const broker: MqttBroker = await startMqttBroker({
      host: env.HOST,
      port: env.MQTT_PORT,
      explicitPort: options.explicitPorts?.has('MQTT_PORT') ?? false,
      tls: {
        ...(await authority.issueServerCertificate([...new Set([env.HOST, '127.0.0.1', 'localhost'])])),
        caPem: authority.caPem,
      },
      gatewayForCertificate: async (fingerprint): Promise<GatewayTopicIds | null> => {
        const found = await store.findGatewayByCertificate(fingerprint);
        if (!found || found.revokedAt !== null || found.notAfter.getTime() < Date.now()) return null;
        return { tenantId: found.tenantId, siteId: found.siteId, gatewayId: found.gatewayId };
      },
      // Telemetry and the status topic (online, or the Last Will) go to ingest; config is the gateway's.
      onPublish: (message) =>
        message.topic.endsWith('/telemetry') || message.topic.endsWith('/status')
          ? pump.submit(message)
          : Promise.resolve(),
    });
    closers.push(() => broker.close());
    mqttUrl = broker.url;
    if (broker.note) notes.push(`MQTT: ${broker.note}`);

    const server = createApiServer(createApiHandler(deps, { streaming: true }));
    const { port, note } = await listen(
      server,
      env.HOST,
      env.API_PORT,
      options.explicitPorts?.has('API_PORT') ?? false,
    );
    if (note) notes.push(`API: ${note}`);
    // Links in report e-mails point where the outside world reaches the API.
    reports.start(
      env.PUBLIC_API_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`,
    );
    const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
    apiUrl = `http://${host}:${port}`;
    closers.push(
      () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
    );
    const resumed = await escalation.resumeRunning();
    if (resumed > 0) notes.push(`Escalation: resumed ${resumed} chain(s) left running by the last stop`);
    return {
      apiUrl,
      mqttUrl,
      caPem: authority.caPem,
      telemetry,
      notes,
      demo,
      deps,
      reports,
      notifier,
      escalation,
      alarmCheck,
      housekeeping: housekeepingJob,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
