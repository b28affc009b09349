// /metrics on the local runtime: Prometheus text that parses line by line (every sample of a declared
// family), and figures that move when a gateway's batch is ingested (points stored, ingest latency,
// store write time, the broker's clients and gateways) and when the API answers (requests by route).
import { provisioningBundleSchema, telemetryTopic } from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectGateway } from './testing/mqtt.ts';
import { addPlantOverApi, liftStation } from './testing/plant.ts';

/** The exposition format, strictly: `# HELP`/`# TYPE` lines and samples of declared families. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const sample =
    /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*",?)*\})? (-?[0-9.]+(?:e[+-]?\d+)?|NaN|\+Inf|-Inf)$/;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const match = sample.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    const name = match[1] as string;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(family)) throw new Error(`a sample of an undeclared family: ${line}`);
    samples.set(`${name}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

describe('/metrics', () => {
  let api: TestApi;
  let client: MqttClient;

  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);

  afterAll(async () => {
    await client?.endAsync(true);
    await api.close();
  });

  const scrape = async () => {
    const response = await fetch(`${api.runtime.apiUrl}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parsePrometheus(await response.text());
  };

  it('parses as Prometheus text and moves when points are ingested', async () => {
    const owner = await api.signUp('metrics');
    const plant = await addPlantOverApi(api, owner.token, {
      ...liftStation,
      tags: [{ key: 'level', name: 'Wet well level', unit: 'm' }],
    });
    const bundle = provisioningBundleSchema.parse(
      (await api.call('POST', `/v1/gateways/${plant.gatewayId}/provisioning-bundle`, { token: owner.token }))
        .body,
    );
    client = await connectGateway(bundle);
    const before = await scrape();
    const stored = (samples: Map<string, number>) =>
      samples.get('plantwatch_telemetry_points_stored_total') ?? 0;

    const topic = telemetryTopic({
      tenantId: owner.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
    });
    const now = Date.now();
    const points = [1, 2, 3, 4, 5].map((i) => ({
      d: 'plc-1',
      t: 'level',
      ts: now - i * 1000,
      v: i,
      q: 'good',
    }));
    await client.publishAsync(topic, JSON.stringify({ v: 1, gw: plant.gatewayId, seq: 1, points }), {
      qos: 1,
    });
    // A message naming an unknown tag: dead-lettered with its reason.
    const unknown = [{ d: 'plc-1', t: 'nope', ts: now, v: 1, q: 'good' }];
    await client.publishAsync(topic, JSON.stringify({ v: 1, gw: plant.gatewayId, seq: 2, points: unknown }), {
      qos: 1,
    });
    await api.runtime.ingestLog.applied(); // both stored or dead-lettered (ADR 0058)
    await api.call('GET', `/v1/sites/${plant.siteId}`, { token: owner.token });

    const after = await until(
      'the points counted',
      async () => {
        const samples = await scrape();
        return stored(samples) >= stored(before) + 5 ? samples : undefined;
      },
      10_000,
      100,
    );
    expect(stored(after)).toBe(stored(before) + 5);
    expect(after.get('plantwatch_ingest_latency_seconds_count')).toBeGreaterThan(
      before.get('plantwatch_ingest_latency_seconds_count') ?? 0,
    );
    expect(after.get('plantwatch_telemetry_write_seconds_count')).toBeGreaterThan(0);
    const deadLetters = [...after].filter(([key]) =>
      key.startsWith('plantwatch_telemetry_dead_letters_total{'),
    );
    expect(deadLetters).toEqual([[expect.stringMatching(/reason="\w+"/), 1]]);
    expect(after.get('plantwatch_broker_clients')).toBeGreaterThanOrEqual(1);
    // everything acknowledged is applied: the ingest log waits for nothing (ADR 0058)
    expect(after.get('plantwatch_ingest_log_pending_messages')).toBe(0);
    expect(after.get('plantwatch_ingest_log_oldest_pending_seconds')).toBe(0);
    expect(after.get('plantwatch_gateway_connections')).toBe(1);
    expect(
      after.get('plantwatch_http_requests_total{method="GET",route="/v1/sites/{siteId}",status="200"}'),
    ).toBe(1);
    expect(after.get('plantwatch_http_request_seconds_count{method="GET",route="/v1/sites/{siteId}"}')).toBe(
      1,
    );
  });
});
