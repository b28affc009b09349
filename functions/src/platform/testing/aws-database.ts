// Test helper for the AWS composition roots: a throw-away database on the real PostgreSQL server on
// 127.0.0.1:5432, the Lambda environment pointing at it, and Secrets Manager mocked to hand out the
// server's login (the only AWS call opening the config store makes).
import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';

// Test wiring, as in config-databases.ts: the server the real-Postgres tests use.
const adminUrl = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ThrowawayAwsDatabase {
  /** The stores' Lambda environment (TELEMETRY_STORE=postgres on the same database). */
  readonly env: {
    AWS_REGION: string;
    DATABASE_SECRET_ARN: string;
    DATABASE_HOST: string;
    DATABASE_PORT: string;
    DATABASE_NAME: string;
    DATABASE_SSLMODE: string;
    TELEMETRY_STORE: string;
  };
  /** The database's own URL, for checking what a Lambda left behind. */
  readonly url: string;
  /** How often the Lambda code asked Secrets Manager for the login. */
  secretReads(): number;
  /** Creates the database and mocks the secret: call from beforeAll. */
  create(): Promise<void>;
  /** Drops the database and restores Secrets Manager: call from afterAll. */
  drop(): Promise<void>;
}

export function throwawayAwsDatabase(prefix: string): ThrowawayAwsDatabase {
  const databaseName = `${prefix}_${randomBytes(6).toString('hex')}`;
  const secrets = mockClient(SecretsManagerClient);
  const env = {
    AWS_REGION: 'eu-west-1',
    DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plantwatch-db-AbCdEf',
    DATABASE_HOST: adminUrl.hostname,
    DATABASE_PORT: adminUrl.port || '5432',
    DATABASE_NAME: databaseName,
    DATABASE_SSLMODE: 'disable',
    TELEMETRY_STORE: 'postgres',
  };
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  return {
    env,
    url: url.toString(),
    secretReads: () => secrets.commandCalls(GetSecretValueCommand).length,
    async create() {
      await admin(`CREATE DATABASE ${databaseName}`);
      secrets.on(GetSecretValueCommand, { SecretId: env.DATABASE_SECRET_ARN }).resolves({
        SecretString: JSON.stringify({
          username: decodeURIComponent(adminUrl.username) || 'postgres',
          password: decodeURIComponent(adminUrl.password) || 'trust-ignores-it',
        }),
      });
    },
    async drop() {
      secrets.restore();
      // As in config-databases.ts: pool.end() resolves before the closed connections' backends have
      // gone, and FORCE would kill one mid-goodbye (an uncaught error in its client). Wait first.
      const client = new pg.Client({ connectionString: adminUrl.toString() });
      await client.connect();
      try {
        for (let waited = 0; waited < 5_000; waited += 50) {
          const { rows } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [databaseName],
          );
          if (rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
