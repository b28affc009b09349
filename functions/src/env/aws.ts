// Composition root on AWS: the Lambda environment (zod, parsed once at cold start) and the ports
// the handlers run on, filled in with AWS adapters. The only place the functions read process.env.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TelemetryStore } from '@plantwatch/shared';
import { systemClock } from '@plantwatch/shared';
import { z } from 'zod';
import {
  awsIotGatewayCertificates,
  createIotClient,
  describeIotDataEndpoint,
} from '../adapters/aws/iot-provisioning.ts';
import { uuidV7Ids } from '../adapters/crypto/ids.ts';
import { createScryptPasswordHasher, OWASP_SCRYPT_COST } from '../adapters/crypto/passwords.ts';
import { createMemoryRateLimiter } from '../adapters/local/rate-limiter.ts';
import {
  type ConfigDatabase,
  createPostgresConfigStore,
  openConfigDatabase,
  openPostgresTelemetryStore,
} from '../adapters/postgres/index.ts';
import { createTimestreamClients, openTimestreamTelemetryStore } from '../adapters/timestream/index.ts';
import type { AlarmCheckDeps } from '../alarms/check.ts';
import { createAlarmEvaluator } from '../alarms/evaluator.ts';
import type { ApiDeps } from '../use-cases/deps.ts';
import type { IngestDeps } from '../use-cases/ingest.ts';

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
  /** Emulator endpoints; Timestream's endpoint discovery ignores the SDK's generic variable. */
  AWS_ENDPOINT_URL_TIMESTREAM_WRITE: z.url().optional(),
  AWS_ENDPOINT_URL_TIMESTREAM_QUERY: z.url().optional(),
});

export const awsApiEnvSchema = awsStoresEnvSchema.extend({
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

export type AwsStoresEnv = z.infer<typeof awsStoresEnvSchema>;
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
  });
}

/** Both stores, opened with one read of the database secret. */
async function openAwsStores(env: AwsStoresEnv) {
  const url = await databaseUrl(env, new SecretsManagerClient({ region: env.AWS_REGION }));
  const database = await openAwsConfigDatabase(env, url);
  return { database, telemetry: await openAwsTelemetryStore(env, url) };
}

export async function createAwsIngestDeps(env: AwsStoresEnv = parseAwsStoresEnv()): Promise<IngestDeps> {
  const { database, telemetry } = await openAwsStores(env);
  const store = createPostgresConfigStore(database.db, () => database.close());
  return {
    store,
    telemetry,
    alarms: createAlarmEvaluator({ store, clock: systemClock, ids: uuidV7Ids }),
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
  return {
    store: createPostgresConfigStore(database.db, () => database.close()),
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
    // Per function instance: a shared limiter (DynamoDB or the database) is the operations issue's.
    loginAttemptsPerIp: createMemoryRateLimiter({ points: 50, durationSeconds: 300 }),
    loginFailuresPerAccount: createMemoryRateLimiter({ points: 10, durationSeconds: 900 }),
    sessionTtlMs: 12 * 3_600_000,
    inviteTtlMs: 7 * 86_400_000,
  };
}

/**
 * The periodic alarm check needs only the config store (no telemetry: comm loss is judged from the
 * alarm state's own last-data timestamps).
 */
export async function createAwsAlarmCheckDeps(
  env: AwsStoresEnv = parseAwsStoresEnv(),
): Promise<AlarmCheckDeps> {
  const database = await openAwsConfigDatabase(env);
  return {
    store: createPostgresConfigStore(database.db, () => database.close()),
    clock: systemClock,
    ids: uuidV7Ids,
  };
}
