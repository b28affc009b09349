import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { databaseUrl, openAwsTelemetryStore } from './aws.ts';
import { InvalidEnvironmentError, parseAwsApiEnv, parseAwsStoresEnv } from './aws-env.ts';

const stores = {
  AWS_REGION: 'eu-west-1',
  DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf',
  DATABASE_HOST: 'cluster.cluster-abc.eu-west-1.rds.amazonaws.com',
  DATABASE_NAME: 'plantwatch',
  TELEMETRY_STORE: 'postgres',
};

describe('the AWS environment', () => {
  it('takes the stores settings with defaults for port, connections and TLS verification', () => {
    expect(parseAwsStoresEnv(stores)).toEqual({
      ...stores,
      DATABASE_PORT: 5432,
      DATABASE_MAX_CONNECTIONS: 2,
      DATABASE_SSLMODE: 'verify-full',
      TIMESTREAM_MEMORY_RETENTION_HOURS: 24,
      TIMESTREAM_ROLLUP_EVERY_MINUTES: 5,
      TELEMETRY_RETENTION_DAYS: 400,
    });
  });

  it('takes the Basic Ingest rule and the publish interval provisioning hands gateways, and checks them', () => {
    const api = { ...stores, IOT_POLICY_NAME: 'GatewayPolicy' };
    expect(
      parseAwsApiEnv({
        ...api,
        IOT_TELEMETRY_RULE_NAME: 'PlantwatchTelemetryRule_1',
        GATEWAY_PUBLISH_INTERVAL_MS: '5000',
      }),
    ).toMatchObject({
      IOT_TELEMETRY_RULE_NAME: 'PlantwatchTelemetryRule_1',
      GATEWAY_PUBLISH_INTERVAL_MS: 5000,
    });
    expect(() => parseAwsApiEnv({ ...api, IOT_TELEMETRY_RULE_NAME: 'rule/with/slashes' })).toThrow(
      /IOT_TELEMETRY_RULE_NAME: must be an IoT rule name/,
    );
  });

  it('names every missing or wrong variable at start-up', () => {
    expect(() => parseAwsApiEnv({ ...stores, TELEMETRY_STORE: 'influx', DATABASE_HOST: undefined })).toThrow(
      InvalidEnvironmentError,
    );
    expect(() => parseAwsApiEnv({ ...stores, TELEMETRY_STORE: 'influx' })).toThrow(
      /TELEMETRY_STORE: .*IOT_POLICY_NAME/,
    );
  });

  it('needs the Timestream database and table when the store is Timestream', () => {
    expect(() => parseAwsStoresEnv({ ...stores, TELEMETRY_STORE: 'timestream' })).toThrow(
      'TELEMETRY_STORE=timestream needs TIMESTREAM_DATABASE and TIMESTREAM_TABLE',
    );
  });

  it('accepts an IoT endpoint only as an mqtts URL', () => {
    const api = { ...stores, IOT_POLICY_NAME: 'GatewayPolicy' };
    expect(
      parseAwsApiEnv({ ...api, IOT_ENDPOINT: 'mqtts://abc-ats.iot.eu-west-1.amazonaws.com:8883' })
        .IOT_ENDPOINT,
    ).toBe('mqtts://abc-ats.iot.eu-west-1.amazonaws.com:8883');
    expect(() => parseAwsApiEnv({ ...api, IOT_ENDPOINT: 'abc-ats.iot.eu-west-1.amazonaws.com' })).toThrow(
      /IOT_ENDPOINT: must be an mqtts:\/\/ URL/,
    );
  });
});

describe('databaseUrl', () => {
  it('reads the cluster secret and builds a URL that verifies TLS, with the password escaped', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        username: 'plantwatch_owner',
        password: 'p@ss/w:rd?',
        engine: 'postgres',
      }),
    });

    const url = await databaseUrl(
      parseAwsStoresEnv(stores),
      new SecretsManagerClient({ region: 'eu-west-1' }),
    );

    expect(secrets.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: stores.DATABASE_SECRET_ARN },
    ]);
    expect(url).toBe(
      'postgres://plantwatch_owner:p%40ss%2Fw%3Ard%3F@cluster.cluster-abc.eu-west-1.rds.amazonaws.com:5432/plantwatch?sslmode=verify-full',
    );
    secrets.restore();
  });
});

describe('openAwsTelemetryStore', () => {
  it('opens Timestream with the table, its memory retention and an emulator endpoint when one is set', async () => {
    const requests: { target?: string; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        requests.push({ target: request.headers['x-amz-target'] as string | undefined, body });
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ QueryId: 'q', Rows: [], ColumnInfo: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const previous = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    try {
      const env = parseAwsStoresEnv({
        ...stores,
        TELEMETRY_STORE: 'timestream',
        TIMESTREAM_DATABASE: 'plantwatch',
        TIMESTREAM_TABLE: 'telemetry',
        TIMESTREAM_MEMORY_RETENTION_HOURS: '48',
        TIMESTREAM_ROLLUP_EVERY_MINUTES: '15',
        AWS_ENDPOINT_URL_TIMESTREAM_WRITE: endpoint,
        AWS_ENDPOINT_URL_TIMESTREAM_QUERY: endpoint,
      });
      expect(env.TIMESTREAM_MEMORY_RETENTION_HOURS).toBe(48);
      expect(env.TIMESTREAM_ROLLUP_EVERY_MINUTES).toBe(15);
      const telemetry = await openAwsTelemetryStore(env, 'postgres://unused');
      expect(telemetry.kind).toBe('timestream');
      expect(telemetry.maxPointAgeMs).toBe(48 * 3_600_000);
      await telemetry.latest('tenant-1', [{ gatewayId: 'gw-1', deviceKey: 'plc-1', tagKey: 'level' }]);
      expect(requests.map((r) => r.target)).toContain('Timestream_20181101.Query');
      const query = requests.find((r) => r.target === 'Timestream_20181101.Query');
      expect(JSON.parse(query?.body ?? '{}').QueryString).toContain('FROM "plantwatch"."telemetry"');
      await telemetry.close();
    } finally {
      process.env.AWS_ACCESS_KEY_ID = previous.id;
      process.env.AWS_SECRET_ACCESS_KEY = previous.secret;
      if (previous.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (previous.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      server.close();
    }
  });
});
