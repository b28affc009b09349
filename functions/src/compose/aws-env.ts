// The Lambda environment: zod schemas parsed once at cold start, one per kind of function (what the
// infra/aws constructs set). The only place the functions read process.env (through the parsers'
// default argument); a bad value fails the cold start with a message naming the variable.
import { z } from 'zod';

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
  /**
   * The role that owns the telemetry tables (made by the migrations resource): telemetry connections
   * run as it, so the partitions they create belong to it whichever rotated login made them.
   */
  DATABASE_TELEMETRY_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case role name')
    .optional(),
  /** PostgreSQL telemetry: raw points older than this are dropped (whole weekly partitions, hourly). */
  TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(7).max(36_500).default(400),
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
  /** Telegram's Bot API; a test or an emulator may point elsewhere. */
  TELEGRAM_API_URL: z.url().default('https://api.telegram.org'),
};

/** Accounts and plans (issue 15): where links point, who sends account e-mail, the TOTP key, the plan of sign-ups. */
const awsAccountsFields = {
  /** The web app's public URL: verification and reset links point to its pages. Unset: the e-mail gives the token. */
  PUBLIC_WEB_URL: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
  /** A verified SES identity for account e-mail (verification, reset, notices); unset: the report sender's. */
  ACCOUNT_FROM_ADDRESS: z.string().min(1).optional(),
  /** A Secrets Manager secret holding the key ring that seals TOTP secrets (docs/accounts.md); unset: no MFA. */
  ACCOUNT_SECRETS_KEY_ARN: z.string().min(1).optional(),
  /** The secret the web app proves itself with when it forwards its browser's address. */
  WEB_PROXY_SECRET_ARN: z.string().min(1).optional(),
  /** The plan a new tenant starts on (a plan id of the catalogue). */
  SIGNUP_PLAN: z.string().min(1).default('starter'),
};
export type AwsAccountsEnv = z.infer<z.ZodObject<typeof awsAccountsFields>> & { AWS_REGION: string };

export const awsApiEnvSchema = awsStoresEnvSchema.extend({
  ...awsNotifyFields,
  ...awsAccountsFields,
  /**
   * Test sends (POST /v1/contacts/{id}/test) go through the same notifier as pages: the verified SES
   * identity for e-mail (unset: e-mail test sends fail, saying so), SNS's sender id, Twilio's API.
   */
  SES_FROM_ADDRESS: z.string().min(1).optional(),
  SNS_SENDER_ID: z
    .string()
    .regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits')
    .optional(),
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  IOT_POLICY_NAME: nonEmpty,
  IOT_THING_TYPE_NAME: z.string().min(1).optional(),
  /** The telemetry rule: provisioning bundles tell gateways to publish to it by Basic Ingest. */
  IOT_TELEMETRY_RULE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,128}$/, 'must be an IoT rule name (letters, digits, underscores)')
    .optional(),
  /** The publish interval bundles give gateways (what the stack's ingest is sized for). */
  GATEWAY_PUBLISH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).optional(),
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

/** Housekeeping's retention run: the stores, and the report bucket whose files past retention go. */
export const awsRetentionEnvSchema = awsStoresEnvSchema.extend({
  /** Unset: report runs past retention are deleted, their files left to the bucket's lifecycle. */
  REPORTS_BUCKET: z.string().min(1).optional(),
});
export type AwsRetentionEnv = z.infer<typeof awsRetentionEnvSchema>;
export const parseAwsRetentionEnv = (source: NodeJS.ProcessEnv = process.env): AwsRetentionEnv =>
  parseEnv(awsRetentionEnvSchema, source);

/**
 * The migrations custom resource: the functions' (rotated) login, and the cluster owner's secret it
 * migrates with and creates that login from (unset: it migrates with the functions' login).
 */
export const awsMigrateEnvSchema = awsStoresEnvSchema.extend({
  DATABASE_OWNER_SECRET_ARN: z.string().min(1).optional(),
});
export type AwsMigrateEnv = z.infer<typeof awsMigrateEnvSchema>;
export const parseAwsMigrateEnv = (source: NodeJS.ProcessEnv = process.env): AwsMigrateEnv =>
  parseEnv(awsMigrateEnvSchema, source);

/** Stream ingest: where records that are no telemetry envelope are kept (the ingest dead-letter queue). */
export const awsIngestEnvSchema = awsStoresEnvSchema.extend({
  INGEST_DEAD_LETTER_QUEUE_URL: z.url().optional(),
});
export type AwsIngestEnv = z.infer<typeof awsIngestEnvSchema>;
export const parseAwsIngestEnv = (source: NodeJS.ProcessEnv = process.env): AwsIngestEnv =>
  parseEnv(awsIngestEnvSchema, source);
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

export const parseAwsNotifyEnv = (source: NodeJS.ProcessEnv = process.env): AwsNotifyEnv =>
  parseEnv(awsNotifyEnvSchema, source);

/**
 * The alarm check also sends the tenant canaries' test pages: the notifier's settings, each optional
 * (without SES_FROM_ADDRESS an e-mail canary fails, saying so, and falls over to the next channel).
 */
export const awsAlarmCheckNotifyEnvSchema = z.object({
  ...awsNotifyFields,
  SES_FROM_ADDRESS: z.string().min(1).optional(),
  SNS_SENDER_ID: z
    .string()
    .regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1-11 letters or digits')
    .optional(),
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
});
export type AwsAlarmCheckNotifyEnv = z.infer<typeof awsAlarmCheckNotifyEnvSchema>;
export const parseAwsAlarmCheckNotifyEnv = (
  source: NodeJS.ProcessEnv = process.env,
): AwsAlarmCheckNotifyEnv => parseEnv(awsAlarmCheckNotifyEnvSchema, source);
