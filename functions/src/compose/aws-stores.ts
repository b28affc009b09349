// Opening the stores on AWS: the database URL from a login's Secrets Manager secret (read at cold
// start, TLS verified), the config database as it is (migrated once per deploy, ADR 0026), and the
// telemetry store TELEMETRY_STORE names (PostgreSQL on the cluster, or Timestream).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { type ConfigDatabase, openConfigDatabase } from '../platform/database/database.ts';
import { openPostgresTelemetryStore } from '../telemetry/adapters/postgres/telemetry-store.ts';
import {
  createTimestreamClients,
  openTimestreamTelemetryStore,
} from '../telemetry/adapters/timestream/index.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { type AwsStoresEnv, InvalidEnvironmentError } from './aws-env.ts';
import { traceClient } from './aws-tracing.ts';

const databaseSecretSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

/** A database secret's JSON (username, password, and whatever RDS keeps beside them). */
export async function readDatabaseSecret(secrets: SecretsManagerClient, secretArn: string): Promise<unknown> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
  try {
    return JSON.parse(SecretString ?? '{}');
  } catch {
    throw new InvalidEnvironmentError(`the secret ${secretArn} is not JSON`);
  }
}

/**
 * The PostgreSQL URL from a Secrets Manager secret of the cluster (the functions' rotated login by
 * default); TLS verified (rds.force_ssl is on).
 */
export async function databaseUrl(
  env: AwsStoresEnv,
  secrets: SecretsManagerClient,
  secretArn: string = env.DATABASE_SECRET_ARN,
): Promise<string> {
  const secret = databaseSecretSchema.parse(await readDatabaseSecret(secrets, secretArn));
  const user = encodeURIComponent(secret.username);
  const password = encodeURIComponent(secret.password);
  return `postgres://${user}:${password}@${env.DATABASE_HOST}:${env.DATABASE_PORT}/${env.DATABASE_NAME}?sslmode=${env.DATABASE_SSLMODE}`;
}

/**
 * Opens the config database. It is migrated once per deploy by the migrations resource (which the
 * functions are updated after), never on a cold start (ADR 0026).
 */
export async function openAwsConfigDatabase(env: AwsStoresEnv, url?: string): Promise<ConfigDatabase> {
  return openConfigDatabase({
    kind: 'postgres',
    url: url ?? (await databaseUrl(env, new SecretsManagerClient({ region: env.AWS_REGION }))),
    maxConnections: env.DATABASE_MAX_CONNECTIONS,
    migrate: false,
  });
}

/**
 * The telemetry store for TELEMETRY_STORE: Timestream (the default on AWS), or PostgreSQL on the
 * config cluster for accounts that cannot use Timestream.
 */
export async function openAwsTelemetryStore(env: AwsStoresEnv, databaseUrl: string): Promise<TelemetryStore> {
  if (env.TELEMETRY_STORE === 'postgres') {
    return openPostgresTelemetryStore({
      url: databaseUrl,
      maxConnections: env.DATABASE_MAX_CONNECTIONS,
      maxPointAgeMs: env.TELEMETRY_RETENTION_DAYS * 86_400_000,
      // The migrations resource made the schema; partitions belong to the telemetry role.
      ensureSchema: false,
      ...(env.DATABASE_TELEMETRY_ROLE ? { role: env.DATABASE_TELEMETRY_ROLE } : {}),
    });
  }
  if (!env.TIMESTREAM_DATABASE || !env.TIMESTREAM_TABLE) {
    throw new InvalidEnvironmentError(
      'TELEMETRY_STORE=timestream needs TIMESTREAM_DATABASE and TIMESTREAM_TABLE',
    );
  }
  const clients = createTimestreamClients({
    region: env.AWS_REGION,
    writeEndpoint: env.AWS_ENDPOINT_URL_TIMESTREAM_WRITE,
    queryEndpoint: env.AWS_ENDPOINT_URL_TIMESTREAM_QUERY,
  });
  return openTimestreamTelemetryStore({
    // Each write and query a subsegment of the trace (the store write of ingest, chart reads).
    write: traceClient(clients.write),
    query: traceClient(clients.query),
    database: env.TIMESTREAM_DATABASE,
    table: env.TIMESTREAM_TABLE,
    memoryStoreRetentionMs: env.TIMESTREAM_MEMORY_RETENTION_HOURS * 3_600_000,
    rollupEveryMs: env.TIMESTREAM_ROLLUP_EVERY_MINUTES * 60_000,
  });
}

/** Both stores, opened with one read of the database secret. */
export async function openAwsStores(env: AwsStoresEnv) {
  const url = await databaseUrl(env, new SecretsManagerClient({ region: env.AWS_REGION }));
  const database = await openAwsConfigDatabase(env, url);
  return { database, telemetry: await openAwsTelemetryStore(env, url) };
}
