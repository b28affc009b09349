// Composition of the local runtime: the same capabilities as on AWS, built once each, in dependency
// order, on embedded stores (PGlite, DuckDB), the in-process escalation runner and local adapters.
// The API and broker addresses are known before anything is built (the listeners bind first), so
// nothing is filled in afterwards.
import { join, resolve } from 'node:path';
import {
  createScryptPasswordHasher,
  OWASP_SCRYPT_COST,
  type ScryptCost,
} from '@plantwatch/functions/accounts/adapters/scrypt-passwords';
import {
  createEscalationDispatcher,
  type EscalationDispatcher,
  recordEscalationIntentLevels,
} from '@plantwatch/functions/alarms/dispatcher';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import type { AlarmEvaluator } from '@plantwatch/functions/alarms/ports';
import { type AlarmStateCache, createAlarmStateCache } from '@plantwatch/functions/alarms/state-cache';
import { startAlarmWriteBehind } from '@plantwatch/functions/alarms/write-behind';
import { createServiceCanary, type ServiceCanary } from '@plantwatch/functions/canary/service-canary';
import {
  createTenantCanaryScheduler,
  type TenantCanaryScheduler,
} from '@plantwatch/functions/canary/tenant-canary';
import { createPlantwatchApi } from '@plantwatch/functions/compose/api';
import { type ConfigStore, createPostgresConfigStore } from '@plantwatch/functions/compose/config-store';
import {
  createDerivedTagCalculator,
  type DerivedTagCalculator,
} from '@plantwatch/functions/derived-tags/calculator';
import type { PeriodicDerivedTagRunner } from '@plantwatch/functions/derived-tags/timer';
import { createRunningEscalationsLookup } from '@plantwatch/functions/escalation/adapters/postgres/escalation-repos';
import { recordCommandResponse } from '@plantwatch/functions/gateway-commands/commands';
import { gatewayHealthRecorder } from '@plantwatch/functions/gateway-health/health';
import { createTelemetryIngestor, type TelemetryIngestor } from '@plantwatch/functions/ingest/ingest';
import { outboxSender } from '@plantwatch/functions/notify/adapters/outbox';
import { createHeldNotificationsLookup } from '@plantwatch/functions/notify/adapters/postgres/notify-repos';
import { databaseNotificationSecrets } from '@plantwatch/functions/notify/adapters/secrets';
import { createSmtpEmailSender } from '@plantwatch/functions/notify/adapters/smtp';
import { createTelegramBotApi, createTelegramSender } from '@plantwatch/functions/notify/adapters/telegram';
import {
  createTwilioSmsSender,
  createTwilioVoiceSender,
  createTwilioWhatsAppSender,
} from '@plantwatch/functions/notify/adapters/twilio';
import { withPageMetrics } from '@plantwatch/functions/notify/metered-notifier';
import { type CompositeNotifier, createCompositeNotifier } from '@plantwatch/functions/notify/notifier';
import { loadTenantNotifyConfig, type NotifyDeps } from '@plantwatch/functions/notify/notify';
import { localRouting } from '@plantwatch/functions/notify/routing';
import {
  type LocalCertificateAuthority,
  localGatewayCertificateIssuer,
  openLocalCertificateAuthority,
} from '@plantwatch/functions/plant/adapters/local/certificate-authority';
import { type ConfigPush, createConfigPush } from '@plantwatch/functions/plant/config-push';
import type { GatewayMessagePublisher } from '@plantwatch/functions/plant/ports';
import { createInProcessChangeFeed } from '@plantwatch/functions/platform/adapters/in-process-changes';
import {
  createPrometheusMetrics,
  type PrometheusMetrics,
} from '@plantwatch/functions/platform/adapters/prometheus-metrics';
import type { ChangeFeed } from '@plantwatch/functions/platform/changes';
import { systemClock } from '@plantwatch/functions/platform/clock';
import {
  type ConfigDatabase,
  type ConfigDatabaseOptions,
  openConfigDatabase,
} from '@plantwatch/functions/platform/database/database';
import { cachedHealthChecks, type HealthCheck } from '@plantwatch/functions/platform/health';
import type { ApiHandler } from '@plantwatch/functions/platform/http/handler';
import type { ApiDeps } from '@plantwatch/functions/platform/http/routes';
import { uuidV7Ids } from '@plantwatch/functions/platform/ids';
import { logger } from '@plantwatch/functions/platform/observability';
import type { SecretBox } from '@plantwatch/functions/platform/secret-box';
import type { TelemetryStore } from '@plantwatch/functions/telemetry/ports';
import type { PointsMeter } from '@plantwatch/functions/usage/points-meter';
import {
  composeLocalAccountParts,
  type LocalAccountOptions,
  type LocalAccountParts,
  localAccountMailer,
  localPointsMeter,
  openLocalSecretBox,
  withLocalMessagingQuota,
} from './compose-accounts.ts';
import type { LocalEnv } from './env.ts';
import { createLocalEscalationStarter, type LocalEscalationStarter } from './escalation-runner.ts';
import { localHealthChecks } from './health-checks.ts';
import { withLiveChanges } from './live-changes.ts';
import { localPeriodicDerivedTags } from './periodic-derived-tags.ts';
import { createLocalReports, type LocalReportOptions, type LocalReports } from './report-scheduler.ts';
import { openTelemetryStore, type TelemetryStoreOverride } from './telemetry-store.ts';

/**
 * The API's ports as the local runtime builds them, with the whole config store (for seeding and
 * tests) and the config push (its periodic re-drive runs in runtime.ts).
 */
export type LocalDeps = ApiDeps & { store: ConfigStore; configPush: ConfigPush };

export interface LocalCompositionOptions {
  /** Tests lower the KDF cost to keep suites fast; production uses OWASP's. */
  passwordCost?: ScryptCost;
  /** Overrides where the config store lives (tests use an in-memory PGlite). */
  database?: ConfigDatabaseOptions;
  loginLimits?: { attemptsPerIpPer5Min: number; failuresPerAccountPer15Min: number };
  /** Accounts and plans: throttles, account mail, the key ring, the sign-up plan (compose-accounts.ts). */
  accounts?: LocalAccountOptions;
  /** Overrides the telemetry store (tests use an in-memory DuckDB). */
  telemetry?: TelemetryStoreOverride;
  /** Where the local CA lives; null keeps it in memory (tests). Default DATA_DIR/ca. */
  certificateDir?: string | null;
  /** Report mail, files and scheduling overrides (tests). */
  reports?: LocalReportOptions;
  /** Twilio's API base URL; tests point it at a fake Twilio on 127.0.0.1. */
  twilioApiUrl?: string;
  /** Telegram's Bot API base URL; tests point it at a stand-in on 127.0.0.1. */
  telegramApiUrl?: string;
  /** Tests and benchmarks: each escalation Wait pauses this many ms instead of the level's delay. */
  escalationWaitMs?: number;
  /** Overrides SERVICE_CANARY_MINUTES and the page deadline (tests run trips seconds apart). */
  serviceCanary?: { everyMs: number; pageWithinMs: number };
  /**
   * Fault injection, for crash tests only: `killAfterAlarmCommit` SIGKILLs the process right after
   * the first transaction that recorded escalation intents commits, before any is delivered;
   * `holdIngestLog` acknowledges telemetry into the ingest log and never applies it (ADR 0058).
   */
  faults?: { killAfterAlarmCommit?: boolean; holdIngestLog?: boolean };
  /** Benchmarks: false writes every alarm state in its batch's transaction, as before ADR 0047. */
  alarmWriteBehind?: boolean;
}

/** How often alarm-state bookkeeping is written behind (ADR 0047). */
const ALARM_WRITE_BEHIND_MS = 1_000;

/** Where the data lives: the config store, the telemetry store and the local CA. */
export interface LocalStores {
  database: ConfigDatabase;
  store: ConfigStore;
  telemetry: TelemetryStore;
  authority: LocalCertificateAuthority;
  /** Seals tenants' provider secrets and users' TOTP secrets (the key ring of DATA_DIR or SECRETS_KEY). */
  secrets: SecretBox;
  close(): Promise<void>;
}

export async function openLocalStores(env: LocalEnv, options: LocalCompositionOptions): Promise<LocalStores> {
  const dataDir = resolve(env.DATA_DIR);
  const database = await openConfigDatabase(
    options.database ??
      (env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: join(dataDir, 'config-db') }),
  );
  const store = createPostgresConfigStore(database.db, () => database.close());
  let telemetry: TelemetryStore | undefined;
  try {
    telemetry = await openTelemetryStore(env, options.telemetry);
    const authority = await openLocalCertificateAuthority(
      options.certificateDir === undefined ? join(dataDir, 'ca') : options.certificateDir,
    );
    const opened = telemetry;
    const secrets = await openLocalSecretBox(env, {
      ...(options.accounts?.keyRing ? { keyRing: options.accounts.keyRing } : {}),
      storesInMemory: options.database !== undefined,
    });
    return {
      database,
      store,
      telemetry: opened,
      authority,
      secrets,
      close: async () => {
        await opened.close();
        await store.close();
      },
    };
  } catch (error) {
    await telemetry?.close();
    await store.close();
    throw error;
  }
}

/** What runs on the stores before any listener serves: paging, alarms, ingest and reports. */
export interface LocalCore {
  notify: NotifyDeps;
  notifier: CompositeNotifier;
  escalation: LocalEscalationStarter;
  /** Delivers escalation intents to the runner after commit; the alarm check re-drives the rest. */
  dispatcher: EscalationDispatcher;
  /** Served as Prometheus text on the API port's /metrics. */
  metrics: PrometheusMetrics;
  /** A synthetic alarm through the real path every few minutes; null when SERVICE_CANARY_MINUTES is 0. */
  serviceCanary: ServiceCanary | null;
  /** The tenants' scheduled test pages: sent, retried and judged by every alarm check. */
  tenantCanaries: TenantCanaryScheduler;
  alarms: AlarmEvaluator;
  /** The alarm states ingest keeps in memory, shared with the alarm check and operators' actions. */
  alarmStates: AlarmStateCache;
  /** Alarm changes, new values and gateway status, for the live streams (ADR 0028). */
  changes: ChangeFeed;
  ingestor: TelemetryIngestor;
  reports: LocalReports;
  /** Throttles, account mail (SMTP_URL or DATA_DIR/outbox/accounts), sealing, plans: the API's part of them. */
  accounts: LocalAccountParts;
  /** The plan's points a day, counted in the ingest path. */
  pointsMeter: PointsMeter;
  /** Ingest's derived tags (ADR 0039): told when people change them. */
  derivedTags: DerivedTagCalculator;
  /** Derived tags with a period, computed at each boundary (ADR 0051); the runtime runs it every second. */
  periodicDerivedTags: PeriodicDerivedTagRunner;
  close(): Promise<void>;
}

export async function composeCore(
  stores: LocalStores,
  env: LocalEnv,
  options: LocalCompositionOptions,
  publicApiUrl: string,
): Promise<LocalCore> {
  const { store, telemetry } = stores;
  const metrics = createPrometheusMetrics();
  metrics.onCollect(async () => {
    await recordEscalationIntentLevels(store, metrics, systemClock.now());
  });
  const notify: NotifyDeps = {
    // sealed with the runtime's key: never in the database in plain text
    secrets: databaseNotificationSecrets(store, 'twilio', systemClock, stores.secrets),
    publicApiUrl: () => publicApiUrl,
    publicUrlFromRequestDomain: false,
    defaultSmsProvider: 'twilio',
    generateMissingSecrets: true,
    telegram: createTelegramBotApi({ baseUrl: options.telegramApiUrl }),
    metrics,
  };
  const smtp = env.SMTP_URL ? createSmtpEmailSender({ url: env.SMTP_URL, from: env.SMTP_FROM }) : undefined;
  const twilio = { baseUrl: options.twilioApiUrl, publicApiUrl: notify.publicApiUrl };
  const accountMail = localAccountMailer(env, options.accounts ?? {});
  // Over the plan's monthly SMS or call allowance, pages go by e-mail and the admins are told.
  const notifier = withLocalMessagingQuota(
    withPageMetrics(
      createCompositeNotifier({
        store,
        clock: systemClock,
        ids: uuidV7Ids,
        config: (tenantId) => loadTenantNotifyConfig({ store, notify }, tenantId),
        routing: localRouting({
          outbox: outboxSender,
          email: smtp,
          twilioSms: createTwilioSmsSender(twilio),
          twilioVoice: createTwilioVoiceSender(twilio),
          twilioWhatsApp: createTwilioWhatsAppSender(twilio),
          telegram: createTelegramSender({ baseUrl: options.telegramApiUrl }),
        }),
        publicApiUrl: notify.publicApiUrl,
        // a held page's digest goes out from this process when its flood window closes
        flushTimers: true,
      }),
      metrics,
    ),
    store,
    accountMail.mailer,
  );
  // held pages whose timers a restart lost: flushed now and every 30 s (docs/notifications.md)
  const heldLookup = createHeldNotificationsLookup(stores.database.db);
  const sweepHeld = async () => {
    try {
      for (const tenantId of await heldLookup.tenantsWithDueHeld(systemClock.now())) {
        await notifier.flushHeld(tenantId);
      }
    } catch (error) {
      logger.error('flushing held pages failed; the next sweep retries', { error });
    }
  };
  void sweepHeld();
  const heldSweep = setInterval(() => void sweepHeld(), 30_000);
  heldSweep.unref();
  // The shared ASL, run in process; the escalations table says which chains run (ADR 0015).
  const escalation = createLocalEscalationStarter({
    store,
    running: createRunningEscalationsLookup(stores.database.db),
    notifier,
    ids: uuidV7Ids,
    clock: systemClock,
    metrics,
    ...(options.escalationWaitMs === undefined ? {} : { waitMs: options.escalationWaitMs }),
  });
  const delivering = createEscalationDispatcher({ store, escalation, clock: systemClock, metrics });
  const dispatcher: EscalationDispatcher = options.faults?.killAfterAlarmCommit
    ? {
        ...delivering,
        dispatch: async () => {
          process.kill(process.pid, 'SIGKILL');
        },
      }
    : delivering;
  const changes = createInProcessChangeFeed();
  // The alarm states stay in memory between batches (ADR 0034): checked by version, never trusted
  // blindly; bookkeeping-only changes are written behind every second (ADR 0047), and the periodic
  // check and operators' actions read them from the same memory.
  const alarmStates = createAlarmStateCache({ writeBehind: options.alarmWriteBehind ?? true });
  const alarms = createAlarmEvaluator({
    store,
    ids: uuidV7Ids,
    clock: systemClock,
    dispatcher,
    changes,
    states: alarmStates,
    metrics,
  });
  const alarmWriteBehind = startAlarmWriteBehind(
    { store, states: alarmStates, clock: systemClock, metrics, changes },
    ALARM_WRITE_BEHIND_MS,
  );
  const canaryEveryMs = options.serviceCanary?.everyMs ?? env.SERVICE_CANARY_MINUTES * 60_000;
  const serviceCanary =
    canaryEveryMs > 0
      ? createServiceCanary(
          { store, alarms, dispatcher, ids: uuidV7Ids, clock: systemClock, metrics, states: alarmStates },
          { everyMs: canaryEveryMs, pageWithinMs: options.serviceCanary?.pageWithinMs ?? 60_000 },
        )
      : null;
  const tenantCanaries = createTenantCanaryScheduler({
    store,
    notifier,
    clock: systemClock,
    ids: uuidV7Ids,
    metrics,
  });
  // Gateway health and command answers arrive through ingest, as on AWS.
  const gatewayReports = {
    ...gatewayHealthRecorder({ store }),
    commandResponse: (
      ids: { tenantId: string; gatewayId: string },
      part: Parameters<typeof recordCommandResponse>[2],
      receivedAt: number,
    ) => recordCommandResponse({ store }, ids, part, receivedAt),
  };
  const pointsMeter = localPointsMeter(store);
  const derivedTags = createDerivedTagCalculator({ store, telemetry });
  // Stored and alarmed like ingest's points, and announced to the live streams the same way.
  const periodicDerivedTags = localPeriodicDerivedTags({
    store,
    telemetry,
    alarms: withLiveChanges(alarms, changes),
    clock: systemClock,
    points: pointsMeter,
    metrics,
  });
  const ingestor = createTelemetryIngestor({
    store,
    telemetry,
    alarms: withLiveChanges(alarms, changes),
    clock: systemClock,
    ids: uuidV7Ids,
    gatewayReports,
    points: pointsMeter,
    metrics,
    derived: derivedTags,
  });
  let reports: LocalReports;
  try {
    reports = await createLocalReports({
      dataDir: env.DATA_DIR,
      smtpUrl: env.SMTP_URL,
      linkSecret: env.REPORT_LINK_SECRET,
      store,
      telemetry,
      db: stores.database.db,
      clock: systemClock,
      ids: uuidV7Ids,
      publicApiUrl,
      metrics,
      ...(options.reports ? { options: options.reports } : {}),
    });
  } catch (error) {
    await alarmWriteBehind.stop();
    clearInterval(heldSweep);
    notifier.close();
    await escalation.close();
    smtp?.close();
    await pointsMeter.close();
    accountMail.close();
    throw error;
  }
  return {
    notify,
    notifier,
    escalation,
    dispatcher,
    metrics,
    serviceCanary,
    tenantCanaries,
    alarms,
    alarmStates,
    changes,
    ingestor,
    derivedTags,
    periodicDerivedTags,
    reports,
    accounts: composeLocalAccountParts({
      env,
      options: options.accounts ?? {},
      store,
      secrets: stores.secrets,
      mailer: accountMail.mailer,
      loginLimits: options.loginLimits,
      telemetryMaxPointAgeMs: telemetry.maxPointAgeMs,
    }),
    pointsMeter,
    close: async () => {
      // What ingest saw last is written before the stores close.
      await alarmWriteBehind.stop();
      clearInterval(heldSweep);
      notifier.close();
      await reports.close();
      await escalation.close();
      smtp?.close();
      await pointsMeter.close();
      accountMail.close();
    },
  };
}

/** The API's ports, once the broker's address is known (provisioning bundles name it). */
export function composeApiDeps(
  stores: LocalStores,
  core: LocalCore,
  options: LocalCompositionOptions,
  /** The broker: its address goes into provisioning bundles; config and commands are published on it. */
  broker: { url: string; status?(): { listening: boolean; clients: number } } & GatewayMessagePublisher,
  /** What the runtime adds to /v1/health (the nightly backups). */
  moreHealthChecks: readonly HealthCheck[] = [],
  /** GATEWAY_PUBLISH_INTERVAL_MS, written into provisioning bundles; unset: the gateway's default. */
  gatewayPublishIntervalMs?: number,
): LocalDeps {
  const configPush = createConfigPush({
    store: stores.store,
    lookups: stores.store,
    publisher: broker,
    clock: systemClock,
  });
  return {
    store: stores.store,
    telemetry: stores.telemetry,
    gatewayCertificates: localGatewayCertificateIssuer(
      stores.authority,
      () => broker.url,
      gatewayPublishIntervalMs,
    ),
    passwords: createScryptPasswordHasher(options.passwordCost ?? OWASP_SCRYPT_COST),
    clock: systemClock,
    ids: uuidV7Ids,
    ...core.accounts,
    inviteTtlMs: 7 * 86_400_000,
    dispatcher: core.dispatcher,
    changes: core.changes,
    // operators' actions (web, API, replies) keep ingest's memory current (ADR 0047)
    states: core.alarmStates,
    healthChecks: cachedHealthChecks(
      [...localHealthChecks(stores, core, broker, systemClock.now()), ...moreHealthChecks],
      systemClock,
    ),
    reports: core.reports.deps,
    notify: core.notify,
    // test sends and "send the canary now" go through the same notifier as pages
    notifier: core.notifier,
    metrics: core.metrics,
    // A change to a gateway's devices or tags reaches ingest's plant cache at once, and its new
    // config version the broker (retained, for the gateway).
    plantChanges: {
      gatewayChanged: async (change) => {
        core.ingestor.forgetGateway(change);
        await configPush.gatewayChanged(change);
      },
    },
    configPush,
    // A formula saved here is what ingest runs from the next batch on.
    derivedTagChanges: {
      derivedTagsChanged: (site) => {
        core.derivedTags.forgetSite(site);
        core.periodicDerivedTags.forgetTenant(site.tenantId);
      },
    },
    commandPublisher: broker,
    // HTTP push: the same ingest use-case the broker's messages go through, answered at once.
    telemetrySubmitter: { submit: (message) => core.ingestor.ingest(message) },
  };
}

/** The HTTP API over the local ports (streamed bodies stay streamed: the local server sends them in pieces). */
/** `proxySecret`: the web app forwards its browser's address and User-Agent with it (handler.ts trustProxy). */
export const createLocalApi = (deps: LocalDeps, proxySecret?: string): ApiHandler =>
  createPlantwatchApi(deps, { streaming: true, ...(proxySecret ? { proxySecret } : {}) });
