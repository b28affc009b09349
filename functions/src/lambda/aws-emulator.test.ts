// The real Lambda entries with their real composition, against the local AWS emulator (moto on
// 127.0.0.1, a port chosen at run time: Secrets Manager, S3, SQS, Step Functions, Timestream) and the
// real PostgreSQL server on 127.0.0.1:5432 (a throw-away database): the migrations custom resource
// through Create, Update and Delete (its answer to CloudFormation lands in an emulated S3 object, as
// the pre-signed ResponseURL does on AWS), the functions' own login and a rotation of it, stream ingest
// keeping a record that is no envelope in the dead-letter queue, the alarm check's service canary
// starting a chain on the emulated state machine, and the API reading the accounts' secrets at cold
// start (sign-up e-mail through SES, the web app's forwarded address, two-step login).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  TimestreamWriteClient,
} from '@aws-sdk/client-timestream-write';
import { escalationDefinitionJson, escalationTaskPlaceholders } from '@plantwatch/shared';
import type {
  APIGatewayProxyEventV2,
  CloudFormationCustomResourceEvent,
  Context,
  KinesisStreamEvent,
} from 'aws-lambda';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAwsConfigDatabase, openAwsTelemetryStore } from '../compose/aws.ts';
import { type AwsEmulator, startAwsEmulator, useEnvironment } from '../compose/aws-emulator.ts';
import { parseAwsStoresEnv } from '../compose/aws-env.ts';
import { toKinesisRecord } from '../ingest/sqs-envelope.ts';

const adminUrl = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const suffix = randomBytes(4).toString('hex');
const databaseName = `pw_emulator_${suffix}`;
const login = { username: `pw_functions_${suffix}`, password: randomBytes(12).toString('hex') };
const telemetryRole = `pw_telemetry_${suffix}`;

let emulator: AwsEmulator;
let restoreEnv: () => void;
const aws = <T>(Client: new (config: object) => T): T =>
  new Client({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
  });
let functionsSecretArn = '';
let ownerSecretArn = '';
let deadLetterQueueUrl = '';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  emulator = await startAwsEmulator();
  await admin(`CREATE DATABASE ${databaseName}`);
  const secrets = aws(SecretsManagerClient);
  ownerSecretArn =
    (
      await secrets.send(
        new CreateSecretCommand({
          Name: `plantwatch/db-owner-${suffix}`,
          SecretString: JSON.stringify({
            username: decodeURIComponent(adminUrl.username) || 'postgres',
            password: decodeURIComponent(adminUrl.password) || 'trust-ignores-it',
          }),
        }),
      )
    ).ARN ?? '';
  functionsSecretArn =
    (
      await secrets.send(
        new CreateSecretCommand({
          Name: `plantwatch/db-functions-${suffix}`,
          SecretString: JSON.stringify(login),
        }),
      )
    ).ARN ?? '';
  await aws(S3Client).send(new CreateBucketCommand({ Bucket: 'cloudformation-responses' }));
  deadLetterQueueUrl =
    (await aws(SQSClient).send(new CreateQueueCommand({ QueueName: 'ingest-dead-letters' }))).QueueUrl ?? '';
  restoreEnv = useEnvironment({
    ...emulator.env,
    DATABASE_SECRET_ARN: functionsSecretArn,
    DATABASE_OWNER_SECRET_ARN: ownerSecretArn,
    DATABASE_HOST: adminUrl.hostname,
    DATABASE_PORT: adminUrl.port || '5432',
    DATABASE_NAME: databaseName,
    DATABASE_SSLMODE: 'disable',
    DATABASE_TELEMETRY_ROLE: telemetryRole,
    TELEMETRY_STORE: 'postgres',
    INGEST_DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
  });
}, 120_000);

afterAll(async () => {
  restoreEnv?.();
  await emulator?.stop();
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
    for (const role of [`${login.username}_clone`, login.username, telemetryRole]) {
      await client.query(`DROP ROLE IF EXISTS ${role}`);
    }
  } finally {
    await client.end();
  }
});

function customResourceEvent(requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:migrate',
    ResponseURL: `${emulator.endpoint}/cloudformation-responses/${requestType}-${randomUUID()}`,
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Plantwatch/guid',
    RequestId: randomUUID(),
    LogicalResourceId: 'DataMigrations',
    ResourceType: 'Custom::PlantwatchMigrations',
    ResourceProperties: { ServiceToken: 'unused', migrations: 'abc', telemetryStore: 'postgres' },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  return {
    ...common,
    RequestType: requestType,
    PhysicalResourceId: 'plantwatch-config-migrations',
    OldResourceProperties: common.ResourceProperties,
  } as CloudFormationCustomResourceEvent;
}

/** What the custom resource told CloudFormation (the object its PUT left at the ResponseURL). */
async function answer(event: CloudFormationCustomResourceEvent): Promise<{ Status: string; Reason: string }> {
  const key = new URL(event.ResponseURL).pathname.split('/').pop() ?? '';
  const object = await aws(S3Client).send(
    new GetObjectCommand({ Bucket: 'cloudformation-responses', Key: key }),
  );
  return JSON.parse((await object.Body?.transformToString()) ?? '{}');
}

const context = { logStreamName: '2026/12/07/[$LATEST]abc' } as Context;

describe('the migrations custom resource (Create, Update, Delete)', () => {
  it('on Create migrates, makes the telemetry schema and the functions login, and answers SUCCESS', async () => {
    const { handler } = await import('./migrate.ts');
    const event = customResourceEvent('Create');

    await handler(event, context);

    expect(await answer(event)).toMatchObject({ Status: 'SUCCESS', Reason: `See ${context.logStreamName}` });
    // The functions' own login opens the database as it is (no migration) and writes telemetry,
    // the partition it creates belonging to the telemetry role.
    const env = parseAwsStoresEnv();
    const config = await openAwsConfigDatabase(env);
    const telemetry = await openAwsTelemetryStore(
      env,
      `postgres://${login.username}:${login.password}@${adminUrl.hostname}:${adminUrl.port || 5432}/${databaseName}`,
    );
    try {
      const ts = Date.UTC(2026, 11, 1);
      expect(
        await telemetry.write([
          {
            tenantId: randomUUID(),
            siteId: 's',
            gatewayId: 'g',
            deviceKey: 'plc-1',
            tagKey: 'level',
            ts,
            value: 1.5,
            quality: 'good',
          },
        ]),
      ).toEqual({ written: 1, duplicates: 0 });
      const probe = new pg.Client({
        connectionString: adminUrl.toString().replace(/\/[^/]*$/, `/${databaseName}`),
      });
      await probe.connect();
      const owner = await probe.query(
        "SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname LIKE 'points_%' LIMIT 1",
      );
      await probe.end();
      expect(owner.rows).toEqual([{ owner: telemetryRole }]);
    } finally {
      await telemetry.close();
      await config.close();
    }
  }, 60_000);

  it('keeps working through a rotation of the functions login (its _clone), and Update leaves the password alone', async () => {
    // What Secrets Manager's alternating-users rotation does: a clone granted the login, then the secret moved to it.
    const clone = { username: `${login.username}_clone`, password: randomBytes(12).toString('hex') };
    await admin(`CREATE ROLE ${clone.username} LOGIN PASSWORD '${clone.password}'`);
    await admin(`GRANT ${login.username} TO ${clone.username}`);
    await aws(SecretsManagerClient).send(
      new PutSecretValueCommand({ SecretId: functionsSecretArn, SecretString: JSON.stringify(clone) }),
    );
    const { handler } = await import('./migrate.ts');
    const update = customResourceEvent('Update');

    await handler(update, context);

    expect(await answer(update)).toMatchObject({ Status: 'SUCCESS' });
    const config = await openAwsConfigDatabase(parseAwsStoresEnv());
    try {
      const result = (await config.db.execute('SELECT current_user AS role, session_user AS login')) as {
        rows: unknown[];
      };
      expect(result.rows).toEqual([{ role: 'plantwatch_app', login: clone.username }]);
    } finally {
      await config.close();
    }
    // The original login still logs in with its password: a running function holding it goes on.
    const original = new pg.Client({
      connectionString: `postgres://${login.username}:${login.password}@${adminUrl.hostname}:${adminUrl.port || 5432}/${databaseName}`,
    });
    await original.connect();
    await original.end();
  }, 60_000);

  it('on Delete changes nothing and answers SUCCESS; a migration that cannot run answers FAILED with the reason', async () => {
    const { handler } = await import('./migrate.ts');
    const remove = customResourceEvent('Delete');
    await handler(remove, context);
    expect(await answer(remove)).toMatchObject({ Status: 'SUCCESS' });

    const secrets = aws(SecretsManagerClient);
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: ownerSecretArn,
        SecretString: JSON.stringify({ username: 'nobody_at_all', password: 'x' }),
      }),
    );
    try {
      const create = customResourceEvent('Create');
      await handler(create, context);
      const failed = await answer(create);
      expect(failed.Status).toBe('FAILED');
      expect(failed.Reason).toMatch(/nobody_at_all/);
    } finally {
      await secrets.send(
        new PutSecretValueCommand({
          SecretId: ownerSecretArn,
          SecretString: JSON.stringify({
            username: decodeURIComponent(adminUrl.username) || 'postgres',
            password: decodeURIComponent(adminUrl.password) || 'trust-ignores-it',
          }),
        }),
      );
    }
  }, 60_000);

  it('with Timestream writes the schema-defining record the scheduled queries need', async () => {
    const timestream = aws(TimestreamWriteClient);
    await timestream.send(new CreateDatabaseCommand({ DatabaseName: 'plantwatch' }));
    await timestream.send(new CreateTableCommand({ DatabaseName: 'plantwatch', TableName: 'telemetry' }));
    const restore = useEnvironment({
      TELEMETRY_STORE: 'timestream',
      TIMESTREAM_DATABASE: 'plantwatch',
      TIMESTREAM_TABLE: 'telemetry',
    });
    try {
      const { handler } = await import('./migrate.ts');
      const create = customResourceEvent('Create');
      await handler(create, context);
      expect(await answer(create)).toMatchObject({ Status: 'SUCCESS' });
    } finally {
      restore();
    }
    const tables = (await emulator.data()).timestreamwrite?.TimestreamTable as {
      name: string;
      records: { Dimensions: { Value: string }[] }[];
    }[];
    const records = tables.find((t) => t.name === 'telemetry')?.records ?? [];
    expect(records).toHaveLength(1);
    expect(records[0]?.Dimensions.every((d) => d.Value === '_schema')).toBe(true);
  }, 60_000);
});

describe('the stream ingest Lambda', () => {
  it('keeps a record that is no telemetry envelope in the dead-letter queue with its reason, and takes the rest', async () => {
    const { handler } = await import('./ingest-stream.ts');
    const good = toKinesisRecord(
      {
        topic: `dt/${randomUUID()}/${randomUUID()}/${randomUUID()}/telemetry`,
        payload: Buffer.from(JSON.stringify({ v: 1, gw: 'x', seq: 1, points: [] })),
        receivedAt: Date.now(),
      },
      '49590338271490256608559692538361571095921575989136588898',
    );
    const garbage = toKinesisRecord(
      { topic: 'x', payload: Buffer.from('x'), receivedAt: Date.now() },
      '49590338271490256608559692538361571095921575989136588899',
    );
    garbage.kinesis.data = Buffer.from('{"not":"an envelope"}').toString('base64');

    const result = await handler({ Records: [good, garbage] } satisfies KinesisStreamEvent);

    expect(result).toEqual({ batchItemFailures: [] });
    const received = await aws(SQSClient).send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    expect(received.Messages).toHaveLength(1);
    // (The emulator returns no message attributes: the reason is in the body as well.)
    expect(JSON.parse(received.Messages?.[0]?.Body ?? '{}')).toEqual({
      source: 'ingest-stream',
      reason: 'not a telemetry envelope {topic, payload, receivedAt}',
      sequenceNumber: garbage.kinesis.sequenceNumber,
      data: garbage.kinesis.data,
    });
  }, 60_000);
});

describe('the alarm check Lambda', () => {
  it('runs the service canary, whose raise starts an escalation chain on the state machine', async () => {
    const sfn = aws(SFNClient);
    const functionArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
    const placeholders = Object.fromEntries(
      Object.entries(escalationTaskPlaceholders).map(([task]) => [task, functionArn(task)]),
    );
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: `Escalation-${suffix}`,
        definition: escalationDefinitionJson(placeholders as typeof escalationTaskPlaceholders),
        roleArn: 'arn:aws:iam::123456789012:role/escalation',
      }),
    );
    const restore = useEnvironment({ ESCALATION_STATE_MACHINE_ARN: machine.stateMachineArn ?? '' });
    try {
      const { handler } = await import('./alarm-check.ts');

      const summary = await handler();

      expect(summary).toMatchObject({ failedTenants: 0 });
      const executions = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: machine.stateMachineArn }),
      );
      expect(executions.executions?.length).toBe(1);
      expect(executions.executions?.[0]?.name).toMatch(/^alarm-event-/);
    } finally {
      restore();
    }
  }, 60_000);
});

/** An API Gateway v2 (payload 2.0) request, as the HTTP API hands it to the function. */
function apiRequest(
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      'user-agent': 'node',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '10.0.0.5', userAgent: 'node' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

describe('the API and report worker Lambdas on what the stack gives them', () => {
  const proxySecret = randomBytes(24).toString('hex');
  const bucket = `reports-${suffix}`;
  const worker = `report-worker-${suffix}`;
  /**
   * Lambda's Invoke API on 127.0.0.1 (AWS_ENDPOINT_URL_LAMBDA): "run now" invokes the worker
   * asynchronously, which the emulator cannot take without Docker; this keeps each invocation so the
   * worker's entry is then called with exactly what the API sent, as Lambda would call it.
   */
  const invocations: { functionName: string; invocationType: string; payload: unknown }[] = [];
  const lambdaApi = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const name = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url ?? '')?.[1];
      invocations.push({
        functionName: decodeURIComponent(name ?? ''),
        invocationType: String(request.headers['x-amz-invocation-type']),
        payload: JSON.parse(body || 'null'),
      });
      response.writeHead(name ? 202 : 404).end();
    });
  });
  let restore: () => void = () => {};
  /** The owner's session, from the first case (they run in order, on the file's one database). */
  let bearer: Record<string, string> = {};
  let tenantId = '';

  beforeAll(async () => {
    const secrets = aws(SecretsManagerClient);
    const secret = async (name: string, value: string) =>
      (await secrets.send(new CreateSecretCommand({ Name: `${name}-${suffix}`, SecretString: value }))).ARN ??
      '';
    await aws(S3Client).send(new CreateBucketCommand({ Bucket: bucket }));
    await aws(SESv2Client).send(new CreateEmailIdentityCommand({ EmailIdentity: 'plantwatch.example.com' }));
    await new Promise<void>((resolve) => lambdaApi.listen(0, '127.0.0.1', resolve));
    restore = useEnvironment({
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(lambdaApi.address() as AddressInfo).port}`,
      IOT_POLICY_NAME: 'plantwatch-gateways',
      REPORTS_BUCKET: bucket,
      REPORT_WORKER_FUNCTION: worker,
      REPORT_LINK_SECRET_ARN: await secret('report-link-secret', randomBytes(24).toString('hex')),
      REPORT_FROM_ADDRESS: 'reports@plantwatch.example.com',
      // As the stack's generateSecretString writes them (infra/aws/src/accounts.ts).
      ACCOUNT_SECRETS_KEY_ARN: await secret(
        'accounts-totp-key-ring',
        JSON.stringify({ current: 'k0', k0: randomBytes(48).toString('hex').slice(0, 43) }),
      ),
      WEB_PROXY_SECRET_ARN: await secret('web-proxy-secret', proxySecret),
      ACCOUNT_FROM_ADDRESS: 'accounts@plantwatch.example.com',
      // What grantPaging gives the API (issue 12): contact test sends page through the same notifier.
      SES_FROM_ADDRESS: 'alarms@plantwatch.example.com',
      NOTIFY_SECRETS_PREFIX: `plantwatch/tenants-${suffix}`,
      PUBLIC_WEB_URL: 'https://web.plantwatch.example.com',
    });
  }, 60_000);

  afterAll(async () => {
    restore();
    await new Promise((resolve) => lambdaApi.close(resolve));
  });

  it('API: reads the key ring and the proxy secret at cold start: the e-mailed link opens the web app, the forwarded address is trusted, two-step login can be set up', async () => {
    const { handler } = await import('./api.ts');
    const email = `owner-${suffix}@example.com`;
    const browser = {
      'x-plantwatch-proxy-secret': proxySecret,
      'x-plantwatch-client-ip': '203.0.113.9',
      'x-plantwatch-client-agent': 'Mozilla/5.0 (X11; Linux x86_64)',
    };

    const signedUp = await handler(
      apiRequest('POST', '/v1/auth/signup', {
        body: {
          tenantName: 'Emulated Water',
          name: 'Owner',
          email,
          password: 'correct horse battery staple 42!',
        },
        headers: browser,
      }),
    );
    expect(signedUp.statusCode, signedUp.body).toBe(202);

    // The verification e-mail went out through SES from the account sender, its link on the web app.
    const sent = ((await emulator.data()).ses?.RawMessage ?? []) as { source: string; raw_data: string }[];
    const mail = sent.find((m) => m.raw_data.includes(email));
    expect(mail?.source).toBe('accounts@plantwatch.example.com');
    const text = (mail?.raw_data ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const token = /https:\/\/web\.plantwatch\.example\.com\/verify-email#token=([\w.-]+)/.exec(text)?.[1];
    expect(token).toBeDefined();

    const verified = await handler(
      apiRequest('POST', '/v1/auth/verify-email', { body: { token }, headers: browser }),
    );
    expect(verified.statusCode, verified.body).toBe(200);
    const session = JSON.parse(verified.body ?? '{}') as { token: string; tenant: { id: string } };
    bearer = { authorization: `Bearer ${session.token}` };
    tenantId = session.tenant.id;

    // Forwarded with the secret read at cold start: the session is the browser's, not the web server's.
    const listed = await handler(apiRequest('GET', '/v1/me/sessions', { headers: bearer }));
    expect(JSON.parse(listed.body ?? '{}').sessions).toEqual([
      expect.objectContaining({ ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' }),
    ]);

    // The key ring opened: a TOTP secret is sealed and handed out.
    const enrolment = await handler(apiRequest('POST', '/v1/me/mfa/totp', { headers: bearer }));
    expect(enrolment.statusCode, enrolment.body).toBe(200);
    expect(JSON.parse(enrolment.body ?? '{}').secret).toMatch(/^[A-Z2-7]{16,}$/);
  }, 60_000);

  it("API: a contact's test pages go out as an SMS through SNS to the number and an e-mail through SES from the alarm sender", async () => {
    const { handler: api } = await import('./api.ts');
    const created = await api(
      apiRequest('POST', '/v1/contacts', {
        body: {
          name: 'Night fitter',
          channels: [
            { type: 'sms', address: '+447700900456' },
            { type: 'email', address: `fitter-${suffix}@example.com` },
          ],
        },
        headers: bearer,
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const contactId = (JSON.parse(created.body ?? '{}') as { id: string }).id;
    for (const channel of ['sms', 'email']) {
      const tested = await api(
        apiRequest('POST', `/v1/contacts/${contactId}/test`, { body: { channel }, headers: bearer }),
      );
      expect(tested.statusCode, tested.body).toBe(200);
      expect(JSON.parse(tested.body ?? '{}')).toMatchObject({ ok: true, channel, error: null });
    }

    const data = await emulator.data();
    const sms = (data.sns?.SMS ?? []) as { phone_number: string; message: string }[];
    expect(sms.filter((m) => m.phone_number === '+447700900456')).toHaveLength(1);
    const mail = [
      ...((data.ses?.Message ?? []) as { source: string; destinations: { ToAddresses: string[] } }[]),
    ];
    expect(
      mail
        .filter((m) => m.destinations.ToAddresses.includes(`fitter-${suffix}@example.com`))
        .map((m) => m.source),
    ).toEqual(['alarms@plantwatch.example.com']);
  }, 60_000);

  it('report worker: a run queued by "run now" is rendered into the S3 bucket and e-mailed through SES', async () => {
    const { handler: api } = await import('./api.ts');
    const site = await api(
      apiRequest('POST', '/v1/sites', { body: { name: 'Pump station 4' }, headers: bearer }),
    );
    expect(site.statusCode, site.body).toBe(201);
    const report = await api(
      apiRequest('POST', '/v1/reports', {
        body: {
          name: 'Daily levels',
          scope: { siteIds: [JSON.parse(site.body ?? '{}').id] },
          period: 'last-day',
          formats: ['csv'],
          recipients: ['plant-manager@example.com'],
          schedule: { kind: 'daily' },
        },
        headers: bearer,
      }),
    );
    expect(report.statusCode, report.body).toBe(201);
    const queued = await api(
      apiRequest('POST', `/v1/reports/${JSON.parse(report.body ?? '{}').id}/runs`, { headers: bearer }),
    );
    expect(queued.statusCode, queued.body).toBe(201);
    const runId = (JSON.parse(queued.body ?? '{}') as { id: string }).id;

    expect(invocations).toEqual([
      { functionName: worker, invocationType: 'Event', payload: { tenantId, runId } },
    ]);

    const { handler: runJob } = await import('./report-worker.ts');
    expect(await runJob(invocations[0]?.payload)).toEqual({ status: 'succeeded' });

    const files = await aws(S3Client).send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(files.Contents?.map((object) => object.Key)).toEqual([expect.stringMatching(/\.csv$/)]);
    const sent = ((await emulator.data()).ses?.RawMessage ?? []) as { source: string; raw_data: string }[];
    const mail = sent.find((m) => m.raw_data.includes('plant-manager@example.com'));
    expect(mail?.source).toBe('reports@plantwatch.example.com');
    expect(mail?.raw_data).toContain('Daily levels');
  }, 60_000);
});
