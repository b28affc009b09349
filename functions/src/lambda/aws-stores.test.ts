// The AWS composition root against the real PostgreSQL server on 127.0.0.1:5432 (a throw-away
// database): the migrations custom resource answers CloudFormation, and a telemetry message in
// the shape the IoT rule puts on SQS goes through the ingest wiring. Only Secrets Manager is mocked.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceCreateEvent, Context } from 'aws-lambda';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsIngestDeps } from '../compose/aws.ts';
import { parseAwsStoresEnv } from '../compose/aws-env.ts';
import type { ConfigStore } from '../compose/config-store.ts';
import { createIngestHandler } from '../ingest/handler.ts';
import type { IngestOutcome } from '../ingest/ingest.ts';
import { toSqsEvent, toSqsRecord } from '../ingest/sqs-envelope.ts';
import { throwawayAwsDatabase } from '../platform/testing/aws-database.ts';
import { handler as migrate } from './migrate.ts';

const database = throwawayAwsDatabase('pw_aws');
const { env } = database;
const savedEnv = { ...process.env };

let cloudFormation: Server;
const responses: unknown[] = [];

beforeAll(async () => {
  await database.create();
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
  cloudFormation?.close();
  await database.drop();
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
    expect(database.secretReads()).toBe(1);
    const client = new pg.Client({ connectionString: database.url });
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
