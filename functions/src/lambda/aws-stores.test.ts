// The AWS composition root against the real PostgreSQL server on 127.0.0.1:5432 (a throw-away
// database): the migrations custom resource answers CloudFormation, and a telemetry message in
// the shape the IoT rule puts on SQS goes through the ingest wiring. Only Secrets Manager is mocked.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ConfigStore } from '@plantwatch/shared';
import type { CloudFormationCustomResourceCreateEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIngestDeps, parseAwsStoresEnv } from '../env/aws.ts';
import { toSqsEvent, toSqsRecord } from '../ingest/event.ts';
import { createIngestHandler } from '../ingest/handler.ts';
import type { IngestOutcome } from '../use-cases/ingest.ts';
import { handler as migrate } from './migrate.ts';

// Test wiring, as in testing/config-databases.ts: the server the real-Postgres tests use.
const adminUrl = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const databaseName = `pw_aws_${randomBytes(6).toString('hex')}`;
const secrets = mockClient(SecretsManagerClient);
const savedEnv = { ...process.env };

const env = {
  AWS_REGION: 'eu-west-1',
  DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:plantwatch-db-AbCdEf',
  DATABASE_HOST: adminUrl.hostname,
  DATABASE_PORT: adminUrl.port || '5432',
  DATABASE_NAME: databaseName,
  DATABASE_SSLMODE: 'disable',
  TELEMETRY_STORE: 'postgres',
};

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let cloudFormation: Server;
const responses: unknown[] = [];

beforeAll(async () => {
  await admin(`CREATE DATABASE ${databaseName}`);
  secrets.on(GetSecretValueCommand, { SecretId: env.DATABASE_SECRET_ARN }).resolves({
    SecretString: JSON.stringify({
      username: decodeURIComponent(adminUrl.username) || 'postgres',
      password: decodeURIComponent(adminUrl.password) || 'trust-ignores-it',
    }),
  });
  Object.assign(process.env, env);
  cloudFormation = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      responses.push({ method: request.method, url: request.url, body: JSON.parse(body) });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((listening) => cloudFormation.listen(0, '127.0.0.1', listening));
});

afterAll(async () => {
  process.env = savedEnv;
  secrets.restore();
  cloudFormation?.close();
  await admin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

describe('the AWS Lambda entries on real PostgreSQL', () => {
  it('applies the migrations as a custom resource and tells CloudFormation it succeeded', async () => {
    const { port } = cloudFormation.address() as AddressInfo;
    const event: CloudFormationCustomResourceCreateEvent = {
      RequestType: 'Create',
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:migrate',
      ResponseURL: `http://127.0.0.1:${port}/cloudformation-response?signed=1`,
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Plantwatch/guid',
      RequestId: randomUUID(),
      LogicalResourceId: 'DataMigrations',
      ResourceType: 'Custom::PlantwatchMigrations',
      ResourceProperties: { ServiceToken: 'unused', migrations: 'abc' },
    };

    await migrate(event, { logStreamName: 'stream' } as Context);

    expect(responses).toEqual([
      {
        method: 'PUT',
        url: '/cloudformation-response?signed=1',
        body: expect.objectContaining({ Status: 'SUCCESS', RequestId: event.RequestId }),
      },
    ]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    const url = new URL(adminUrl);
    url.pathname = `/${databaseName}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS applied FROM drizzle.__drizzle_migrations');
    await client.end();
    expect(rows[0].applied).toBeGreaterThanOrEqual(4);
  });

  it('dead-letters a message from an unknown gateway with its reason, and acknowledges it to SQS', async () => {
    const deps = await createAwsIngestDeps(parseAwsStoresEnv());
    const store: ConfigStore = deps.store;
    try {
      const tenantId = randomUUID();
      await store.createTenant({
        tenant: { id: tenantId, name: `AWS ingest ${tenantId}`, timeZone: 'UTC' },
        owner: { id: randomUUID(), email: `${tenantId}@example.com`, name: 'Owner', passwordHash: 'x' },
      });
      const gatewayId = randomUUID();
      const outcomes: IngestOutcome[] = [];
      const ingest = createIngestHandler(deps, { onOutcome: (outcome) => outcomes.push(outcome) });
      const payload = {
        v: 1,
        gw: gatewayId,
        seq: 1,
        points: [{ d: 'plc-1', t: 'level', ts: Date.now(), v: 1.5, q: 'good' }],
      };

      const result = await ingest(
        toSqsEvent([
          toSqsRecord({
            topic: `dt/${tenantId}/${randomUUID()}/${gatewayId}/telemetry`,
            payload: Buffer.from(JSON.stringify(payload)),
            receivedAt: Date.now(),
          }),
        ]),
      );

      expect(result).toEqual({ batchItemFailures: [] });
      expect(outcomes).toEqual([
        expect.objectContaining({ status: 'dead-lettered', reason: 'unknown_gateway' }),
      ]);
      const kept = await store.inTenant(tenantId, (repos) => repos.deadLetters.list({ scope: null }, 10));
      expect(kept.map((deadLetter) => deadLetter.reason)).toEqual(['unknown_gateway']);
    } finally {
      await store.close();
    }
  });
});
