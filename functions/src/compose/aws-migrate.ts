// What the migrations custom resource does on AWS, once per deploy (never on a cold start, ADR 0026):
// the config store's migrations, the telemetry store's schema, and the functions' own database login.
// It runs as the cluster's owner login; the functions never see that password. They log in as a
// login of their own (its secret rotates with Secrets Manager's alternating-users scheme), which may
// act as plantwatch_app (row-level security) and as the telemetry role, nothing else.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { z } from 'zod';
import { openConfigDatabase } from '../platform/database/database.ts';
import { openPostgresTelemetryStore } from '../telemetry/adapters/postgres/telemetry-store.ts';
import { createTimestreamClients, defineTimestreamSchema } from '../telemetry/adapters/timestream/index.ts';
import { databaseUrl, readDatabaseSecret } from './aws.ts';
import { type AwsMigrateEnv, InvalidEnvironmentError } from './aws-env.ts';

export const DEFAULT_TELEMETRY_ROLE = 'plantwatch_telemetry';
const APP_ROLE = 'plantwatch_app';

export interface MigrationSummary {
  /** The telemetry store whose schema was made. */
  telemetry: 'postgres' | 'timestream';
  /** The functions' login, when this run created it (later runs leave it to rotation). */
  createdLogin: string | null;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Runs `sql` and ignores "already exists" (another database of the cluster may have made a role first). */
async function idempotent(client: pg.Client, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    if (!['42710', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
  }
}

/**
 * The role that owns the telemetry schema and everything in it, the owner login acting as it.
 * Telemetry made before it existed (owned by the owner login) changes hands.
 */
async function ensureTelemetryRole(ownerUrl: string, role: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (!exists.rowCount) await idempotent(client, `CREATE ROLE ${ident(role)} NOLOGIN`);
    await client.query(`GRANT ${ident(role)} TO CURRENT_USER`);
    await client.query(`GRANT CONNECT, CREATE ON DATABASE ${ident(database)} TO ${ident(role)}`);
    const schema = await client.query(
      "SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'telemetry'",
    );
    if (!schema.rowCount) return;
    if (schema.rows[0].owner !== role) await client.query(`ALTER SCHEMA telemetry OWNER TO ${ident(role)}`);
    const objects = await client.query<{ name: string; kind: string }>(
      `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c
       WHERE c.relnamespace = 'telemetry'::regnamespace AND c.relkind IN ('r', 'p', 'S')
         AND pg_get_userbyid(c.relowner) <> $1`,
      [role],
    );
    for (const { name, kind } of objects.rows) {
      const what = kind === 'S' ? 'SEQUENCE' : 'TABLE';
      await client.query(`ALTER ${what} telemetry.${ident(name)} OWNER TO ${ident(role)}`);
    }
  } finally {
    await client.end();
  }
}

const loginSecretSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

/**
 * The functions' login: created with its secret's password when it does not exist yet (the first
 * deploy); afterwards rotation owns the password (and may have switched the secret to the _clone
 * login). Either way it may act as plantwatch_app and the telemetry role.
 */
async function ensureFunctionsLogin(
  ownerUrl: string,
  login: z.infer<typeof loginSecretSchema>,
  telemetryRole: string | null,
): Promise<boolean> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.username]);
    let created = false;
    if (!exists.rowCount) {
      await client.query(
        `CREATE ROLE ${ident(login.username)} LOGIN PASSWORD ${client.escapeLiteral(login.password)}`,
      );
      created = true;
    }
    for (const role of [APP_ROLE, ...(telemetryRole ? [telemetryRole] : [])]) {
      await client.query(`GRANT ${ident(role)} TO ${ident(login.username)}`);
    }
    return created;
  } finally {
    await client.end();
  }
}

/** Applies everything; throws (with the reason) on the first failure, so the deploy rolls back. */
export async function runAwsMigrations(
  env: AwsMigrateEnv,
  now: () => number = Date.now,
): Promise<MigrationSummary> {
  const secrets = new SecretsManagerClient({ region: env.AWS_REGION });
  const ownerSecret = env.DATABASE_OWNER_SECRET_ARN ?? env.DATABASE_SECRET_ARN;
  const ownerUrl = await databaseUrl(env, secrets, ownerSecret);

  const config = await openConfigDatabase({ kind: 'postgres', url: ownerUrl, maxConnections: 1 });
  await config.close();

  const telemetryRole =
    env.TELEMETRY_STORE === 'postgres' ? (env.DATABASE_TELEMETRY_ROLE ?? DEFAULT_TELEMETRY_ROLE) : null;
  if (telemetryRole) {
    await ensureTelemetryRole(ownerUrl, telemetryRole, env.DATABASE_NAME);
    const telemetry = await openPostgresTelemetryStore({
      url: ownerUrl,
      maxConnections: 1,
      role: telemetryRole,
    });
    await telemetry.close();
  } else {
    if (!env.TIMESTREAM_DATABASE || !env.TIMESTREAM_TABLE) {
      throw new InvalidEnvironmentError(
        'TELEMETRY_STORE=timestream needs TIMESTREAM_DATABASE and TIMESTREAM_TABLE',
      );
    }
    const { write } = createTimestreamClients({
      region: env.AWS_REGION,
      writeEndpoint: env.AWS_ENDPOINT_URL_TIMESTREAM_WRITE,
      queryEndpoint: env.AWS_ENDPOINT_URL_TIMESTREAM_QUERY,
    });
    await defineTimestreamSchema(write, env.TIMESTREAM_DATABASE, env.TIMESTREAM_TABLE, now());
  }

  let createdLogin: string | null = null;
  if (ownerSecret !== env.DATABASE_SECRET_ARN) {
    const login = loginSecretSchema.parse(await readDatabaseSecret(secrets, env.DATABASE_SECRET_ARN));
    if (await ensureFunctionsLogin(ownerUrl, login, telemetryRole)) createdLogin = login.username;
  }
  return { telemetry: telemetryRole ? 'postgres' : 'timestream', createdLogin };
}
