// Composition root on AWS: the Lambda environment (zod, parsed once at cold start) and the ports
// the handlers run on, filled in with AWS adapters. The only place the functions read process.env.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import { createScryptPasswordHasher, OWASP_SCRYPT_COST } from '../accounts/adapters/scrypt-passwords.ts';
import type { AlarmCheckDeps } from '../alarms/check.ts';
import type { EscalationStarter } from '../alarms/escalation-starter.ts';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import {
  createSfnClient,
  createStepFunctionsEscalationStarter,
} from '../escalation/adapters/aws/step-functions-starter.ts';
import type { EscalationStepDeps } from '../escalation/steps.ts';
import { createConfigStoreEscalationWorld } from '../escalation/world.ts';
import type { HousekeepingDeps } from '../housekeeping/housekeeping.ts';
import type { IngestDeps } from '../ingest/ingest.ts';
import {
  awsRouting,
  createCompositeNotifier,
  createSesEmailSender,
  createSnsSmsSender,
  createTwilioSmsSender,
  createTwilioVoiceSender,
  createWebhookSender,
  secretsManagerNotificationSecrets,
} from '../notify/adapters/index.ts';
import { loadTenantNotifyConfig, type NotifyDeps } from '../notify/notify.ts';
import type { Notifier } from '../notify/ports.ts';
import {
  awsIotGatewayCertificates,
  createIotClient,
  describeIotDataEndpoint,
} from '../plant/adapters/aws/iot-provisioning.ts';
import { systemClock } from '../platform/clock.ts';
import type { ConfigStore } from '../platform/database/config-store.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import {
  createLambdaReportJobQueue,
  createS3ReportFiles,
  createSesReportMailer,
  readReportLinkSecret,
} from '../reports/adapters/aws/reports.ts';
import { createReportScheduleIndex } from '../reports/adapters/postgres/reports-repos.ts';
import {
  type ReportDeps,
  type ReportJobDeps,
  ReportLinkSigner,
  type SchedulerDeps,
} from '../reports/index.ts';
import {
  createTimestreamClients,
  openTimestreamTelemetryStore,
} from '../telemetry/adapters/timestream/index.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import type { ApiDeps } from './api-deps.ts';
import {
  type ConfigDatabase,
  createPostgresConfigStore,
  createPostgresHousekeepingStore,
  createPostgresRateLimiter,
  openConfigDatabase,
  openPostgresTelemetryStore,
} from './postgres.ts';

const nonEmpty = z.string().min(1, 'must be set');

/** What every function that opens the stores needs (infra/aws Data construct sets it). */
export const awsStoresEnvSchema = z.object({
  AWS_REGION: nonEmpty,
  DATABASE_SECRET_ARN: nonEmpty,
  DATABASE_HOST: nonEmpty,
  DATABASE_PORT: z.coerce.number().int().min(1).max(65_535).default(5432),
  DATABASE_NAME: nonEmpty,
  /** TLS to the database: verify-full on AWS (rds.force_ssl is on); tests and emulators may disable it. */
  DATABASE_SSLMODE: z.enum(['verify-full', 'require', 'disable']).default('verify-full'),
  /** Connections per function instance: Lambda serves one request at a time, so two are plenty. */
  DATABASE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(20).default(2),
  TELEMETRY_STORE: z.enum(['timestream', 'postgres']),
  TIMESTREAM_DATABASE: z.string().min(1).optional(),
  TIMESTREAM_TABLE: z.string().min(1).optional(),
  /** The table's memory store retention (the Data construct sets it): Timestream refuses older points. */
  TIMESTREAM_MEMORY_RETENTION_HOURS: z.coerce.number().int().min(1).max(8766).default(24),
  /** How often the rollup queries run (the Data construct sets it): charts read the newer tail raw. */
  TIMESTREAM_ROLLUP_EVERY_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  /** Emulator endpoints; Timestream's endpoint discovery ignores the SDK's generic variable. */
  AWS_ENDPOINT_URL_TIMESTREAM_WRITE: z.url().optional(),
  AWS_ENDPOINT_URL_TIMESTREAM_QUERY: z.url().optional(),
  /** The escalation state machine (infra/aws Escalation): alarms raised start chains there; unset, nobody is paged. */
  ESCALATION_STATE_MACHINE_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]+$/, 'must be a state machine ARN')
    .optional(),
});

/** Notifications: where tenants' provider secrets live and what the outside world calls the API. */
const awsNotifyFields = {
  /**
   * The API's public base URL (the custom domain or the API Gateway URL): e-mail acknowledgement
   * links point there and Twilio's signatures are checked against it.
   */
  PUBLIC_API_URL: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
  /** Tenants' provider secrets are Secrets Manager secrets named <prefix>/<tenantId>/notifications. */
  NOTIFY_SECRETS_PREFIX: z.string().min(1).default('plantwatch/tenants'),
  NOTIFY_SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
};

export const awsApiEnvSchema = awsStoresEnvSchema.extend({
  ...awsNotifyFields,
  IOT_POLICY_NAME: nonEmpty,
  IOT_THING_TYPE_NAME: z.string().min(1).optional(),
  /** mqtts://host:8883; looked up with DescribeEndpoint (iot:Data-ATS) when not set. */
  IOT_ENDPOINT: z
    .string()
    .regex(
      /^mqtts:\/\/[^\s/]+$/,
      'must be an mqtts:// URL such as mqtts://abc-ats.iot.eu-west-1.amazonaws.com:8883',
    )
    .optional(),
});

/** What the function that sends notifications (the escalation chain's task) needs. */
export const awsNotifyEnvSchema = awsStoresEnvSchema.extend({
  ...awsNotifyFields,
  /** A verified SES identity. */
  SES_FROM_ADDRESS: nonEmpty,
  SNS_SENDER_ID: z
    .string()
    .regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits')
    .optional(),
  /** Twilio's API; a test or an emulator may point elsewhere. */
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
});

export type AwsStoresEnv = z.infer<typeof awsStoresEnvSchema>;
export type AwsNotifyEnv = z.infer<typeof awsNotifyEnvSchema>;
export type AwsApiEnv = z.infer<typeof awsApiEnvSchema>;

export class InvalidEnvironmentError extends Error {}

function parseEnv<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new InvalidEnvironmentError(`the function's environment is invalid: ${problems.join('; ')}`);
  }
  const env = parsed.data as AwsStoresEnv;
  if (env.TELEMETRY_STORE === 'timestream' && (!env.TIMESTREAM_DATABASE || !env.TIMESTREAM_TABLE)) {
    throw new InvalidEnvironmentError(
      'TELEMETRY_STORE=timestream needs TIMESTREAM_DATABASE and TIMESTREAM_TABLE',
    );
  }
  return parsed.data;
}

export const parseAwsStoresEnv = (source: NodeJS.ProcessEnv = process.env): AwsStoresEnv =>
  parseEnv(awsStoresEnvSchema, source);
export const parseAwsApiEnv = (source: NodeJS.ProcessEnv = process.env): AwsApiEnv =>
  parseEnv(awsApiEnvSchema, source);

/** Scheduled reports (infra/aws Reports construct): files bucket, worker function, link secret, sender. */
export const awsReportsEnvSchema = awsStoresEnvSchema.extend({
  REPORTS_BUCKET: nonEmpty,
  /** The worker "run now" and the scheduler hand runs to; the worker itself has none. */
  REPORT_WORKER_FUNCTION: z.string().min(1).optional(),
  REPORT_LINK_SECRET_ARN: nonEmpty,
  /** A verified SES identity. */
  REPORT_FROM_ADDRESS: nonEmpty,
  /** Download links in e-mails point here (the API's custom domain or API Gateway URL). */
  PUBLIC_API_URL: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
});
export type AwsReportsEnv = z.infer<typeof awsReportsEnvSchema>;
export const parseAwsReportsEnv = (source: NodeJS.ProcessEnv = process.env): AwsReportsEnv =>
  parseEnv(awsReportsEnvSchema, source);

export async function createAwsReportDeps(env: AwsReportsEnv): Promise<ReportDeps> {
  return {
    files: createS3ReportFiles(new S3Client({ region: env.AWS_REGION }), env.REPORTS_BUCKET),
    mailer: createSesReportMailer(new SESv2Client({ region: env.AWS_REGION }), env.REPORT_FROM_ADDRESS),
    links: new ReportLinkSigner(
      await readReportLinkSecret(
        new SecretsManagerClient({ region: env.AWS_REGION }),
        env.REPORT_LINK_SECRET_ARN,
      ),
    ),
    jobs: createLambdaReportJobQueue(
      new LambdaClient({ region: env.AWS_REGION }),
      env.REPORT_WORKER_FUNCTION,
    ),
    // The API's own URL would be a circular reference for the API function: its links are then
    // relative (/v1/report-files?…), which the web app and API clients resolve against the API.
    publicApiUrl: () => env.PUBLIC_API_URL ?? '',
    linkTtlMs: 7 * 86_400_000,
    // A Lambda run has 15 minutes; SES throttling passes within seconds.
    retryDelaysMs: [2_000, 10_000, 30_000],
  };
}

/** The report worker and the scheduler tick: both stores, the report ports and the schedule index. */
export async function createAwsReportJobDeps(
  env: AwsReportsEnv = parseAwsReportsEnv(),
): Promise<ReportJobDeps & Pick<SchedulerDeps, 'index' | 'jobs'>> {
  const { database, telemetry } = await openAwsStores(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  const reports = await createAwsReportDeps(env);
  return {
    store,
    telemetry,
    clock: systemClock,
    ids: uuidV7Ids,
    reports,
    index: createReportScheduleIndex(database.db),
    jobs: reports.jobs,
  };
}

const databaseSecretSchema = z.object({ username: nonEmpty, password: nonEmpty });

/** The PostgreSQL URL from the cluster's Secrets Manager secret; TLS verified (rds.force_ssl is on). */
export async function databaseUrl(env: AwsStoresEnv, secrets: SecretsManagerClient): Promise<string> {
  const { SecretString } = await secrets.send(
    new GetSecretValueCommand({ SecretId: env.DATABASE_SECRET_ARN }),
  );
  const secret = databaseSecretSchema.parse(JSON.parse(SecretString ?? '{}'));
  const user = encodeURIComponent(secret.username);
  const password = encodeURIComponent(secret.password);
  return `postgres://${user}:${password}@${env.DATABASE_HOST}:${env.DATABASE_PORT}/${env.DATABASE_NAME}?sslmode=${env.DATABASE_SSLMODE}`;
}

/** Opens the config database (and applies pending migrations, serialised by an advisory lock). */
export async function openAwsConfigDatabase(env: AwsStoresEnv, url?: string): Promise<ConfigDatabase> {
  return openConfigDatabase({
    kind: 'postgres',
    url: url ?? (await databaseUrl(env, new SecretsManagerClient({ region: env.AWS_REGION }))),
    maxConnections: env.DATABASE_MAX_CONNECTIONS,
  });
}

/**
 * The telemetry store for TELEMETRY_STORE: Timestream (the default on AWS), or PostgreSQL on the
 * config cluster for accounts that cannot use Timestream.
 */
export async function openAwsTelemetryStore(env: AwsStoresEnv, databaseUrl: string): Promise<TelemetryStore> {
  if (env.TELEMETRY_STORE === 'postgres') {
    return openPostgresTelemetryStore({ url: databaseUrl, maxConnections: env.DATABASE_MAX_CONNECTIONS });
  }
  if (!env.TIMESTREAM_DATABASE || !env.TIMESTREAM_TABLE) {
    throw new InvalidEnvironmentError(
      'TELEMETRY_STORE=timestream needs TIMESTREAM_DATABASE and TIMESTREAM_TABLE',
    );
  }
  return openTimestreamTelemetryStore({
    ...createTimestreamClients({
      region: env.AWS_REGION,
      writeEndpoint: env.AWS_ENDPOINT_URL_TIMESTREAM_WRITE,
      queryEndpoint: env.AWS_ENDPOINT_URL_TIMESTREAM_QUERY,
    }),
    database: env.TIMESTREAM_DATABASE,
    table: env.TIMESTREAM_TABLE,
    memoryStoreRetentionMs: env.TIMESTREAM_MEMORY_RETENTION_HOURS * 3_600_000,
    rollupEveryMs: env.TIMESTREAM_ROLLUP_EVERY_MINUTES * 60_000,
  });
}

/** Both stores, opened with one read of the database secret. */
async function openAwsStores(env: AwsStoresEnv) {
  const url = await databaseUrl(env, new SecretsManagerClient({ region: env.AWS_REGION }));
  const database = await openAwsConfigDatabase(env, url);
  return { database, telemetry: await openAwsTelemetryStore(env, url) };
}

/** The Step Functions starter when the state machine is configured (`escalation` in the alarm code's deps). */
function awsEscalation(env: AwsStoresEnv, store: ConfigStore): { escalation?: EscalationStarter } {
  if (!env.ESCALATION_STATE_MACHINE_ARN) return {};
  return {
    escalation: createStepFunctionsEscalationStarter({
      client: createSfnClient(env.AWS_REGION),
      stateMachineArn: env.ESCALATION_STATE_MACHINE_ARN,
      store,
      ids: uuidV7Ids,
      clock: systemClock,
    }),
  };
}

export async function createAwsIngestDeps(env: AwsStoresEnv = parseAwsStoresEnv()): Promise<IngestDeps> {
  const { database, telemetry } = await openAwsStores(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  return {
    store,
    telemetry,
    alarms: createAlarmEvaluator({ store, clock: systemClock, ids: uuidV7Ids, ...awsEscalation(env, store) }),
    clock: systemClock,
    ids: uuidV7Ids,
  };
}

export async function createAwsApiDeps(env: AwsApiEnv = parseAwsApiEnv()): Promise<ApiDeps> {
  const iot = createIotClient({ region: env.AWS_REGION });
  const [{ database, telemetry }, endpoint] = await Promise.all([
    openAwsStores(env),
    env.IOT_ENDPOINT ? Promise.resolve(env.IOT_ENDPOINT) : describeIotDataEndpoint(iot),
  ]);
  const store = createPostgresConfigStore(database.db, () => database.close());
  return {
    store,
    ...awsEscalation(env, store),
    telemetry,
    gatewayCertificates: awsIotGatewayCertificates({
      client: iot,
      policyName: env.IOT_POLICY_NAME,
      thingTypeName: env.IOT_THING_TYPE_NAME,
      endpoint,
    }),
    passwords: createScryptPasswordHasher(OWASP_SCRYPT_COST),
    clock: systemClock,
    ids: uuidV7Ids,
    // In the config database, so every function instance counts on the same counters (ADR 0005).
    loginAttemptsPerIp: createPostgresRateLimiter(database.db, {
      name: 'login_ip',
      points: 50,
      durationSeconds: 300,
    }),
    loginFailuresPerAccount: createPostgresRateLimiter(database.db, {
      name: 'login_account',
      points: 10,
      durationSeconds: 900,
    }),
    sessionTtlMs: 12 * 3_600_000,
    inviteTtlMs: 7 * 86_400_000,
    reports: await createAwsReportDeps(parseAwsReportsEnv()),
    notify: awsNotifyDeps(env),
  };
}

function awsNotifyDeps(env: {
  AWS_REGION: string;
  PUBLIC_API_URL?: string | undefined;
  NOTIFY_SECRETS_PREFIX: string;
  NOTIFY_SECRETS_KMS_KEY_ID?: string | undefined;
}): NotifyDeps {
  return {
    secrets: secretsManagerNotificationSecrets(new SecretsManagerClient({ region: env.AWS_REGION }), {
      prefix: env.NOTIFY_SECRETS_PREFIX,
      ...(env.NOTIFY_SECRETS_KMS_KEY_ID ? { kmsKeyId: env.NOTIFY_SECRETS_KMS_KEY_ID } : {}),
    }),
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
  };
}

export const parseAwsNotifyEnv = (source: NodeJS.ProcessEnv = process.env): AwsNotifyEnv =>
  parseEnv(awsNotifyEnvSchema, source);

/**
 * The Notifier on AWS: SMS by SNS or Twilio as each tenant chose, calls by Twilio, e-mail by SES,
 * webhooks signed and never to private, link-local or loopback addresses.
 */
export function createAwsNotifier(env: AwsNotifyEnv, store: ConfigStore): Notifier {
  const notify = awsNotifyDeps(env);
  const twilio = { baseUrl: env.TWILIO_API_URL, publicApiUrl: notify.publicApiUrl };
  return createCompositeNotifier({
    store,
    clock: systemClock,
    ids: uuidV7Ids,
    config: (tenantId) => loadTenantNotifyConfig({ store, notify }, tenantId),
    routing: awsRouting({
      sns: createSnsSmsSender(new SNSClient({ region: env.AWS_REGION }), {
        ...(env.SNS_SENDER_ID ? { senderId: env.SNS_SENDER_ID } : {}),
      }),
      ses: createSesEmailSender(new SESv2Client({ region: env.AWS_REGION }), { from: env.SES_FROM_ADDRESS }),
      twilioSms: createTwilioSmsSender(twilio),
      twilioVoice: createTwilioVoiceSender(twilio),
      webhook: createWebhookSender({ allowLoopback: false }),
    }),
    publicApiUrl: notify.publicApiUrl,
  });
}

/**
 * The periodic alarm check needs only the config store (no telemetry: comm loss is judged from the
 * alarm state's own last-data timestamps).
 */
export async function createAwsAlarmCheckDeps(
  env: AwsStoresEnv = parseAwsStoresEnv(),
): Promise<AlarmCheckDeps> {
  const database = await openAwsConfigDatabase(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  return { store, clock: systemClock, ids: uuidV7Ids, ...awsEscalation(env, store) };
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
  };
}
