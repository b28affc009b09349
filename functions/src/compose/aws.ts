// Composition root on AWS: the Lambda environment (zod, parsed once at cold start) and the ports
// the handlers run on, filled in with AWS adapters. The only place the functions read process.env.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { sql } from 'drizzle-orm';
import { createScryptPasswordHasher, OWASP_SCRYPT_COST } from '../accounts/adapters/scrypt-passwords.ts';
import { type AlarmCheckDeps, type AlarmCheckSummary, createAlarmCheckHandler } from '../alarms/check.ts';
import {
  createEscalationDispatcher,
  type EscalationDispatcher,
  escalationHealthCheck,
} from '../alarms/dispatcher.ts';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import { createAlarmStateCache } from '../alarms/state-cache.ts';
import { createServiceCanary, serviceCanaryHealth } from '../canary/service-canary.ts';
import { createTenantCanaryScheduler } from '../canary/tenant-canary.ts';
import { createDerivedTagCalculator } from '../derived-tags/calculator.ts';
import { createPeriodicDerivedTagRunner, type PeriodicDerivedTagSummary } from '../derived-tags/timer.ts';
import {
  createSfnClient,
  createStepFunctionsEscalationStarter,
} from '../escalation/adapters/aws/step-functions-starter.ts';
import type { EscalationStepDeps } from '../escalation/steps.ts';
import { createConfigStoreEscalationWorld } from '../escalation/world.ts';
import { recordCommandResponse } from '../gateway-commands/commands.ts';
import { gatewayHealthRecorder } from '../gateway-health/health.ts';
import { createPostgresHousekeepingStore } from '../housekeeping/adapters/postgres/housekeeping.ts';
import type { HousekeepingDeps } from '../housekeeping/housekeeping.ts';
import { basicIngestSubmitter } from '../http-ingest/adapters/aws/basic-ingest-submitter.ts';
import type { IngestDeps } from '../ingest/ingest.ts';
import { createSesEmailSender, createSnsSmsSender } from '../notify/adapters/aws.ts';
import { outboxSender } from '../notify/adapters/outbox.ts';
import { createHeldNotificationsLookup } from '../notify/adapters/postgres/notify-repos.ts';
import { secretsManagerNotificationSecrets } from '../notify/adapters/secrets.ts';
import { createTelegramBotApi, createTelegramSender } from '../notify/adapters/telegram.ts';
import {
  createTwilioSmsSender,
  createTwilioVoiceSender,
  createTwilioWhatsAppSender,
} from '../notify/adapters/twilio.ts';
import { createWebhookSender } from '../notify/adapters/webhook.ts';
import { withPageMetrics } from '../notify/metered-notifier.ts';
import { type CompositeNotifier, createCompositeNotifier } from '../notify/notifier.ts';
import { loadTenantNotifyConfig, type NotifyDeps } from '../notify/notify.ts';
import { awsRouting } from '../notify/routing.ts';
import { type ChannelSender, NotificationDeliveryError } from '../notify/sender.ts';
import {
  awsIotGatewayCertificates,
  createIotClient,
  describeIotDataEndpoint,
} from '../plant/adapters/aws/iot-provisioning.ts';
import { createIotDataClient, iotDataPublisher } from '../plant/adapters/aws/iot-publisher.ts';
import { configPushHealthCheck, createConfigPush } from '../plant/config-push.ts';
import { systemClock } from '../platform/clock.ts';
import { cachedHealthChecks, configStoreCheck, telemetryStoreCheck } from '../platform/health.ts';
import type { ApiHandler } from '../platform/http/handler.ts';
import { routeTemplateMatcher, withRequestMetrics } from '../platform/http/request-metrics.ts';
import { type ApiDeps, apiRoutes } from '../platform/http/routes.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import { traced } from '../platform/tracing.ts';
import { createPlantwatchApi } from './api.ts';
import {
  createAwsAccountParts,
  createAwsPointsMeter,
  readWebProxySecret,
  withAwsMessagingQuota,
} from './aws-accounts.ts';
import {
  type AwsAlarmCheckNotifyEnv,
  type AwsApiEnv,
  type AwsNotifyEnv,
  type AwsStoresEnv,
  InvalidEnvironmentError,
  parseAwsAlarmCheckNotifyEnv,
  parseAwsApiEnv,
  parseAwsNotifyEnv,
  parseAwsReportsEnv,
  parseAwsStoresEnv,
} from './aws-env.ts';
import { createAwsReportDeps, createAwsReportJobDeps } from './aws-reports.ts';
import {
  databaseUrl,
  openAwsConfigDatabase,
  openAwsStores,
  openAwsTelemetryStore,
  readDatabaseSecret,
} from './aws-stores.ts';
import { metrics, traceClient } from './aws-tracing.ts';
import type { ConfigStore } from './config-store.ts';
import { createPostgresConfigStore } from './config-store.ts';

// The stores' openers live in aws-stores.ts; importers of this module keep finding them here.
// The report composition lives in aws-reports.ts; the report Lambdas keep finding it here.
export {
  createAwsReportDeps,
  createAwsReportJobDeps,
  databaseUrl,
  openAwsConfigDatabase,
  openAwsTelemetryStore,
  readDatabaseSecret,
};

/**
 * The escalation intents' dispatcher, delivering to Step Functions when the state machine is
 * configured; without it intents stay pending (counted and alarmed: nobody would be paged).
 */
function awsDispatcher(env: AwsStoresEnv, store: ConfigStore): { dispatcher?: EscalationDispatcher } {
  if (!env.ESCALATION_STATE_MACHINE_ARN) return {};
  const escalation = createStepFunctionsEscalationStarter({
    client: traceClient(createSfnClient(env.AWS_REGION)),
    stateMachineArn: env.ESCALATION_STATE_MACHINE_ARN,
    store,
    ids: uuidV7Ids,
    clock: systemClock,
  });
  return { dispatcher: createEscalationDispatcher({ store, escalation, clock: systemClock, metrics }) };
}

export async function createAwsIngestDeps(
  env: AwsStoresEnv = parseAwsStoresEnv(),
): Promise<IngestDeps & { store: ConfigStore }> {
  const { database, telemetry } = await openAwsStores(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  return {
    store,
    telemetry,
    // Each warm container keeps the states it evaluated (ADR 0034); writes check their version, so
    // two containers on one gateway never both act on one state.
    alarms: createAlarmEvaluator({
      store,
      clock: systemClock,
      ids: uuidV7Ids,
      states: createAlarmStateCache(),
      metrics,
      ...awsDispatcher(env, store),
    }),
    clock: systemClock,
    ids: uuidV7Ids,
    metrics,
    // The plan's points a day: over it, messages are dead-lettered with reason quota.
    points: createAwsPointsMeter(store),
    // Derived tags (ADR 0039): computed from the inputs' stored values, stored and alarmed with the batch.
    derived: createDerivedTagCalculator({ store, telemetry }),
    // Health from the status topic, and command answers: the API's waiting request reads them back.
    gatewayReports: {
      ...gatewayHealthRecorder({ store }),
      commandResponse: (ids, part, receivedAt) => recordCommandResponse({ store }, ids, part, receivedAt),
    },
  };
}

/**
 * The config push's periodic re-drive (a scheduled function): config versions the broker has not
 * taken yet go again through IoT Core's data plane.
 */
export async function createAwsConfigPushRedrive(
  env: AwsStoresEnv = parseAwsStoresEnv(),
): Promise<() => Promise<{ published: number; failed: number }>> {
  const [database, endpoint] = await Promise.all([
    openAwsConfigDatabase(env),
    describeIotDataEndpoint(createIotClient({ region: env.AWS_REGION })),
  ]);
  const store = createPostgresConfigStore(database.db, () => database.close());
  const push = createConfigPush({
    store,
    lookups: store,
    publisher: iotDataPublisher(traceClient(createIotDataClient(env.AWS_REGION, endpoint))),
    clock: systemClock,
  });
  return () => push.redrive();
}

export async function createAwsApiDeps(
  env: AwsApiEnv = parseAwsApiEnv(),
): Promise<ApiDeps & { store: ConfigStore }> {
  const iot = createIotClient({ region: env.AWS_REGION });
  const [{ database, telemetry }, endpoint] = await Promise.all([
    openAwsStores(env),
    env.IOT_ENDPOINT ? Promise.resolve(env.IOT_ENDPOINT) : describeIotDataEndpoint(iot),
  ]);
  const store = createPostgresConfigStore(database.db, () => database.close());
  const reportsEnv = parseAwsReportsEnv();
  // Config versions and command requests go out through IoT Core's data plane.
  const gatewayMessages = iotDataPublisher(traceClient(createIotDataClient(env.AWS_REGION, endpoint)));
  const configPush = createConfigPush({
    store,
    lookups: store,
    publisher: gatewayMessages,
    clock: systemClock,
  });
  return {
    store,
    ...awsDispatcher(env, store),
    healthChecks: cachedHealthChecks(
      [
        configStoreCheck({
          kind: database.kind,
          execute: (statement) => database.db.execute(sql.raw(statement)),
        }),
        telemetryStoreCheck(telemetry),
        escalationHealthCheck(store, systemClock),
        serviceCanaryHealth({ store, clock: systemClock }),
        configPushHealthCheck(store, systemClock),
      ],
      systemClock,
    ),
    // A committed change's config version is published before the API answers (ingest's plant
    // cache on the other functions expires by itself within 10 s).
    plantChanges: configPush,
    commandPublisher: gatewayMessages,
    // HTTP push: into the telemetry rule by Basic Ingest, so it reaches the same ingest queue.
    telemetrySubmitter: basicIngestSubmitter(gatewayMessages, env.IOT_TELEMETRY_RULE_NAME),
    telemetry,
    gatewayCertificates: awsIotGatewayCertificates({
      client: iot,
      policyName: env.IOT_POLICY_NAME,
      thingTypeName: env.IOT_THING_TYPE_NAME,
      endpoint,
      ...(env.IOT_TELEMETRY_RULE_NAME ? { telemetryRuleName: env.IOT_TELEMETRY_RULE_NAME } : {}),
      ...(env.GATEWAY_PUBLISH_INTERVAL_MS !== undefined
        ? { publishIntervalMs: env.GATEWAY_PUBLISH_INTERVAL_MS }
        : {}),
    }),
    passwords: createScryptPasswordHasher(OWASP_SCRYPT_COST),
    clock: systemClock,
    ids: uuidV7Ids,
    // Throttles in the config database, so every function instance counts on the same counters
    // (ADR 0005); account mail by SES; TOTP secrets sealed; the plan quota (docs/accounts.md).
    ...(await createAwsAccountParts(
      { ...env, ACCOUNT_FROM_ADDRESS: env.ACCOUNT_FROM_ADDRESS ?? reportsEnv.REPORT_FROM_ADDRESS },
      database.db,
      store,
      Math.round(telemetry.maxPointAgeMs / 86_400_000),
    )),
    inviteTtlMs: 7 * 86_400_000,
    reports: await createAwsReportDeps(reportsEnv),
    notify: awsNotifyDeps(env),
    // test sends and "send the canary now" go through the same notifier as pages
    notifier: createAwsNotifier(env, store),
    metrics,
  };
}

function awsNotifyDeps(env: {
  AWS_REGION: string;
  PUBLIC_API_URL?: string | undefined;
  NOTIFY_SECRETS_PREFIX: string;
  NOTIFY_SECRETS_KMS_KEY_ID?: string | undefined;
  TELEGRAM_API_URL: string;
}): NotifyDeps {
  return {
    secrets: secretsManagerNotificationSecrets(
      traceClient(new SecretsManagerClient({ region: env.AWS_REGION })),
      {
        prefix: env.NOTIFY_SECRETS_PREFIX,
        ...(env.NOTIFY_SECRETS_KMS_KEY_ID ? { kmsKeyId: env.NOTIFY_SECRETS_KMS_KEY_ID } : {}),
      },
    ),
    publicApiUrl: () => {
      if (!env.PUBLIC_API_URL) {
        throw new InvalidEnvironmentError(
          'PUBLIC_API_URL is not set: e-mail links and call callbacks need it',
        );
      }
      return env.PUBLIC_API_URL;
    },
    publicUrlFromRequestDomain: !env.PUBLIC_API_URL,
    defaultSmsProvider: 'sns',
    generateMissingSecrets: false,
    telegram: createTelegramBotApi({ baseUrl: env.TELEGRAM_API_URL }),
    metrics,
  };
}

/** A channel this function cannot send on: every send fails, saying why (the chain moves on). */
function unconfiguredSender(provider: 'ses', why: string): ChannelSender {
  return {
    provider,
    send: async () => {
      throw new NotificationDeliveryError(provider, why, { retryable: false });
    },
  };
}

/**
 * The Notifier on AWS: SMS by SNS or Twilio as each tenant chose, calls by Twilio, e-mail by SES,
 * webhooks signed and never to private, link-local or loopback addresses.
 */
export function createAwsNotifier(
  env: Omit<AwsNotifyEnv, 'SES_FROM_ADDRESS'> & { SES_FROM_ADDRESS?: string | undefined },
  store: ConfigStore,
): CompositeNotifier {
  const notify = awsNotifyDeps(env);
  const twilio = { baseUrl: env.TWILIO_API_URL, publicApiUrl: notify.publicApiUrl };
  const notifier = createCompositeNotifier({
    store,
    clock: systemClock,
    ids: uuidV7Ids,
    config: (tenantId) => loadTenantNotifyConfig({ store, notify }, tenantId),
    routing: awsRouting({
      outbox: outboxSender,
      sns: createSnsSmsSender(traceClient(new SNSClient({ region: env.AWS_REGION })), {
        ...(env.SNS_SENDER_ID ? { senderId: env.SNS_SENDER_ID } : {}),
      }),
      ses: env.SES_FROM_ADDRESS
        ? createSesEmailSender(traceClient(new SESv2Client({ region: env.AWS_REGION })), {
            from: env.SES_FROM_ADDRESS,
          })
        : unconfiguredSender('ses', 'SES_FROM_ADDRESS is not set on this function'),
      twilioSms: createTwilioSmsSender(twilio),
      twilioVoice: createTwilioVoiceSender(twilio),
      twilioWhatsApp: createTwilioWhatsAppSender(twilio),
      telegram: createTelegramSender({ baseUrl: env.TELEGRAM_API_URL }),
      webhook: createWebhookSender({ allowLoopback: false }),
    }),
    publicApiUrl: notify.publicApiUrl,
  });
  // Over the plan's monthly SMS or call allowance, pages go by e-mail and admins are told.
  return withAwsMessagingQuota(withPageMetrics(notifier, metrics), store, {
    AWS_REGION: env.AWS_REGION,
    ACCOUNT_FROM_ADDRESS: env.SES_FROM_ADDRESS,
  });
}

/**
 * The periodic alarm check needs the config store (no telemetry: comm loss is judged from the alarm
 * state's own last-data timestamps), and a notifier for the tenant canaries' test pages.
 */
export async function createAwsAlarmCheckDeps(
  env: AwsStoresEnv = parseAwsStoresEnv(),
  notifyEnv: AwsAlarmCheckNotifyEnv = parseAwsAlarmCheckNotifyEnv(),
): Promise<AlarmCheckDeps & { store: ConfigStore }> {
  const database = await openAwsConfigDatabase(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  const canaries = createTenantCanaryScheduler({
    store,
    notifier: createAwsNotifier({ ...env, ...notifyEnv }, store),
    clock: systemClock,
    ids: uuidV7Ids,
    metrics,
  });
  return { store, clock: systemClock, ids: uuidV7Ids, ...awsDispatcher(env, store), metrics, canaries };
}

/**
 * The alarm check's scheduled Lambda: the check and re-drive of every tenant and the tenant canaries'
 * pass (test pages due, retried, judged), then a trip of the service canary (a synthetic alarm through Step Functions into the message log; its failures are
 * counted in CloudWatch, where an operations alarm watches them).
 */
export async function createAwsAlarmCheckHandler(
  env: AwsStoresEnv = parseAwsStoresEnv(),
): Promise<() => Promise<AlarmCheckSummary>> {
  const deps = await createAwsAlarmCheckDeps(env);
  const check = createAlarmCheckHandler(deps);
  const canary = deps.dispatcher
    ? createServiceCanary({
        store: deps.store,
        alarms: createAlarmEvaluator(deps),
        dispatcher: deps.dispatcher,
        ids: deps.ids,
        clock: deps.clock,
        metrics,
      })
    : null;
  return async () => {
    const summary = await check();
    if (canary) await canary.run();
    return summary;
  };
}

/**
 * Derived tags with a period (ADR 0051), a scheduled function every minute: each run computes the
 * boundaries that passed since the last one (a warm container carries its inputs' values; a cold one
 * looks back two minutes), with ingest's stores, alarm evaluator and points meter.
 */
export async function createAwsDerivedTagTimerHandler(
  env: AwsStoresEnv = parseAwsStoresEnv(),
): Promise<() => Promise<PeriodicDerivedTagSummary>> {
  const deps = await createAwsIngestDeps(env);
  const points = createAwsPointsMeter(deps.store);
  const runner = createPeriodicDerivedTagRunner({
    store: deps.store,
    telemetry: deps.telemetry,
    alarms: deps.alarms,
    clock: deps.clock,
    points,
    metrics,
  });
  return async () => {
    try {
      return await runner.run();
    } finally {
      // The container may be frozen until the next minute: what was counted goes to the usage records now.
      await points.flush();
    }
  };
}

/** Housekeeping: the config store alone. */
export async function createAwsHousekeepingDeps(
  env: AwsStoresEnv = parseAwsStoresEnv(),
): Promise<HousekeepingDeps & { close(): Promise<void> }> {
  const database = await openAwsConfigDatabase(env);
  return {
    store: createPostgresHousekeepingStore(database.db),
    clock: systemClock,
    close: () => database.close(),
  };
}

/** The escalation chain's task functions: the config store, and the notifier for the notify task. */
export async function createAwsEscalationStepDeps(
  env: AwsNotifyEnv = parseAwsNotifyEnv(),
): Promise<EscalationStepDeps> {
  const database = await openAwsConfigDatabase(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  return {
    world: createConfigStoreEscalationWorld({ store, ids: uuidV7Ids }),
    notifier: createAwsNotifier(env, store),
    clock: systemClock,
    // the notify task times each chain's first page from the raise
    metrics,
  };
}

/**
 * The flush of held pages on AWS (no process keeps a timer there): every tenant with a flood window
 * that has closed gets its digests. Run on a schedule; returns how many digests went out.
 */
export async function createAwsHeldPagesFlush(
  env: AwsNotifyEnv = parseAwsNotifyEnv(),
): Promise<() => Promise<number>> {
  const database = await openAwsConfigDatabase(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  const notifier = createAwsNotifier(env, store);
  const lookup = createHeldNotificationsLookup(database.db);
  return async () => {
    let digests = 0;
    for (const tenantId of await lookup.tenantsWithDueHeld(systemClock.now())) {
      digests += await traced('held pages flush', { tenantId }, () => notifier.flushHeld(tenantId));
    }
    return digests;
  };
}

/** The HTTP API on AWS: every route over the AWS ports, authenticated by the accounts capability. */
export async function createAwsApiHandler(env: AwsApiEnv = parseAwsApiEnv()): Promise<ApiHandler> {
  const proxySecret = await readWebProxySecret(env);
  const api = createPlantwatchApi(await createAwsApiDeps(env), proxySecret ? { proxySecret } : {});
  // Counted by route template and status, timed (the same names as the local /metrics).
  return withRequestMetrics(api, metrics, routeTemplateMatcher(apiRoutes));
}
