// Timestream writes against the local AWS emulator (moto on 127.0.0.1, a port chosen at run time):
// the adapter's records (the gateway's dimensions once per request, a multi-measure record a point),
// written side by side in chunks of 100, and the migrations resource's schema-defining record. The
// emulator takes writes but answers no queries, so latest/range/series keep the request-level
// stand-in of telemetry-store.test.ts, which checks the SQL the adapter sends.
import { CreateDatabaseCommand, CreateTableCommand } from '@aws-sdk/client-timestream-write';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../../../compose/aws-emulator.ts';
import { createTimestreamClients, defineTimestreamSchema, openTimestreamTelemetryStore } from './index.ts';

let emulator: AwsEmulator;
let clients: ReturnType<typeof createTimestreamClients>;
const database = 'plantwatch';

beforeAll(async () => {
  emulator = await startAwsEmulator();
  clients = createTimestreamClients({
    region: 'us-east-1',
    writeEndpoint: emulator.endpoint,
    queryEndpoint: emulator.endpoint,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
  });
  await clients.write.send(new CreateDatabaseCommand({ DatabaseName: database }));
  for (const table of ['telemetry', 'schema_only']) {
    await clients.write.send(new CreateTableCommand({ DatabaseName: database, TableName: table }));
  }
}, 120_000);
afterAll(() => emulator?.stop());

interface StoredRecord {
  Dimensions?: { Name: string; Value: string }[];
  MeasureName?: string;
  MeasureValues?: { Name: string; Value: string; Type: string }[];
  Time?: string;
}

async function recordsOf(table: string): Promise<StoredRecord[]> {
  const tables = (await emulator.data()).timestreamwrite?.TimestreamTable as {
    name: string;
    records: StoredRecord[];
  }[];
  return tables.find((t) => t.name === table)?.records ?? [];
}

describe('Timestream writes on the emulator', () => {
  it('writes 250 points of two gateways, chunks of 100 side by side, as one multi-measure record each', async () => {
    const store = openTimestreamTelemetryStore({
      ...clients,
      database,
      table: 'telemetry',
      writeConcurrency: 3,
    });
    const now = Date.now();
    const point = (gatewayId: string, index: number): TelemetryPointRecord => ({
      tenantId: 't-1',
      siteId: 's-1',
      gatewayId,
      deviceKey: 'plc-1',
      tagKey: `tag_${index}`,
      ts: now - index,
      value: index % 2 === 0 ? index / 4 : `text ${index}`,
      quality: 'good',
    });
    const points = [
      ...Array.from({ length: 200 }, (_, i) => point('gw-a', i)),
      ...Array.from({ length: 50 }, (_, i) => point('gw-b', i)),
    ];

    const result = await store.write(points);

    expect(result).toEqual({ written: 250, duplicates: 0 });
    const records = await recordsOf('telemetry');
    expect(records).toHaveLength(250);
    // The emulator keeps each record as sent: the gateway's dimensions and the measure name travel once
    // per request (CommonAttributes), the record carries the device, the tag and the values.
    const first = records.find((r) => r.Dimensions?.some((d) => d.Name === 'tag_key' && d.Value === 'tag_0'));
    expect(first?.Dimensions?.map((d) => d.Name)).toEqual(['device_key', 'tag_key']);
    expect(first?.MeasureValues?.map((m) => m.Name)).toEqual(['kind', 'num', 'quality']);
    const text = records.find((r) => r.Dimensions?.some((d) => d.Value === 'tag_1'));
    expect(text?.MeasureValues?.find((m) => m.Name === 'txt')).toEqual({
      Name: 'txt',
      Value: 'text 1',
      Type: 'VARCHAR',
    });
  });

  it("writes the schema-defining record every column of the rollups' SQL needs, under no tenant and with bad quality", async () => {
    await defineTimestreamSchema(clients.write, database, 'schema_only', Date.UTC(2026, 11, 7, 12, 0, 30));

    const [record, ...more] = await recordsOf('schema_only');
    expect(more).toEqual([]);
    expect(record?.Dimensions?.map((d) => d.Name).sort()).toEqual(
      ['device_key', 'gateway_id', 'site_id', 'tag_key', 'tenant_id'].sort(),
    );
    expect(record?.Dimensions?.every((d) => d.Value === '_schema')).toBe(true);
    expect(record?.MeasureValues?.map((m) => [m.Name, m.Type])).toEqual([
      ['kind', 'BIGINT'],
      ['num', 'DOUBLE'],
      ['txt', 'VARCHAR'],
      ['quality', 'BIGINT'],
    ]);
    // quality 1 (bad): the rollup queries (quality = 0) never count it; the time is a whole minute
    expect(record?.MeasureValues?.find((m) => m.Name === 'quality')?.Value).toBe('1');
    expect(record?.Time).toBe(String(Date.UTC(2026, 11, 7, 12, 0)));
  });
});
