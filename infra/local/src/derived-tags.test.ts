// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Derived tags and backtesting through the HTTP API of the local runtime: the answers people get
// (201, 422 naming the reference or the cycle, 400 naming the range's limit), a KPI computed from
// telemetry published over MQTT, and a backtest of that history.
import { telemetryTopic } from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectProvisionedGateway } from './testing/mqtt.ts';
import { createPlantOverApi, flowMeters } from './testing/plant.ts';

describe('derived tags and backtesting over HTTP', () => {
  let api: TestApi;
  let token: string;
  let siteId: string;
  let gatewayId: string;
  let tenantId: string;
  let client: MqttClient;

  beforeAll(async () => {
    api = await startTestApi();
    const plant = await createPlantOverApi(api, 'derived-http', flowMeters);
    ({ token, siteId, gatewayId, tenantId } = plant);
    ({ client } = await connectProvisionedGateway(api, token, gatewayId));
  });
  afterAll(async () => {
    await client?.endAsync(true);
    await api?.close();
  });

  const post = (path: string, body: unknown) => api.call('POST', path, { token, body });

  it('saves a formula, refuses unknown references and cycles naming them, and previews', async () => {
    const balance = await post('/v1/derived-tags', {
      siteId,
      key: 'balance',
      name: 'Balance',
      unit: 'm³/h',
      formula: '${meter:in} - ${meter:out}',
    });
    expect(balance.status).toBe(201);
    const unknown = await post('/v1/derived-tags', {
      siteId,
      key: 'x',
      name: 'X',
      formula: '${meter:level} * 2',
    });
    expect({ status: unknown.status, message: unknown.body.error.message }).toEqual({
      status: 422,
      message: 'formula: ${meter:level} is not a tag of this site',
    });
    const pct = await post('/v1/derived-tags', {
      siteId,
      key: 'pct',
      name: 'Pct',
      formula: '${balance} * 100',
    });
    expect(pct.status).toBe(201);
    const cycle = await api.call('PATCH', `/v1/derived-tags/${balance.body.id}`, {
      token,
      body: { formula: '${pct} / 100' },
    });
    expect({ status: cycle.status, message: cycle.body.error.message }).toEqual({
      status: 422,
      message: 'formula: the derived tags would form a cycle: balance → pct → balance',
    });
    const bad = await post('/v1/derived-tags', { siteId, key: 'y', name: 'Y', formula: 'eval("1")' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/unknown function "eval"/);
    const preview = await post('/v1/derived-tags/preview', { siteId, formula: '${meter:in} / 0' });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ value: null, quality: 'bad' });
    const removeUsed = await api.call('DELETE', `/v1/derived-tags/${balance.body.id}`, { token });
    expect(removeUsed.status).toBe(409);
  });

  it('computes the KPI from published telemetry, and backtests a rule on it over that history', async () => {
    const balance = (await api.call('GET', `/v1/derived-tags?siteId=${siteId}`, { token })).body.items.find(
      (tag: { key: string }) => tag.key === 'balance',
    );
    const start = Date.now() - 120_000;
    const points = Array.from({ length: 60 }, (_, i) => [
      { d: 'meter', t: 'in', ts: start + i * 1000, v: 100, q: 'good' },
      { d: 'meter', t: 'out', ts: start + i * 1000, v: i >= 20 && i < 40 ? 80 : 99, q: 'good' },
    ]).flat();
    await client.publishAsync(
      telemetryTopic({ tenantId, siteId, gatewayId }),
      JSON.stringify({ v: 1, gw: gatewayId, seq: 1, points }),
      { qos: 1 },
    );
    const rule = {
      kind: 'comparison',
      tagId: balance.id,
      name: 'Leak',
      severity: 'high',
      op: '>',
      value: 10,
      onDelayMs: 5000,
    };
    const range = { from: new Date(start).toISOString(), to: new Date(start + 60_000).toISOString() };
    const backtest = await until(
      'the derived samples stored',
      async () => {
        const res = await post('/v1/alarm-rules/backtest', { rule, ...range });
        return res.status === 200 && res.body.samples === 60 ? res : undefined;
      },
      15_000,
      200,
    );
    expect(backtest.body).toMatchObject({ samples: 60, raises: 1, clears: 1, timeInAlarmMs: 15_000 });
    expect(
      backtest.body.timeline.map((entry: { kind: string; at: string }) => [entry.kind, entry.at]),
    ).toEqual([
      ['raised', new Date(start + 25_000).toISOString()],
      ['cleared', new Date(start + 40_000).toISOString()],
    ]);
    const tooLong = await post('/v1/alarm-rules/backtest', {
      rule,
      from: '2026-01-01T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
    });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body.error)).toMatch(/limit of 31 days/);

    // a derived tag saved after ingest has read the site's: computed from the very next batch
    const double = await post('/v1/derived-tags', {
      siteId,
      key: 'double',
      name: 'Double',
      formula: '${meter:in} * 2',
    });
    expect(double.status).toBe(201);
    await client.publishAsync(
      telemetryTopic({ tenantId, siteId, gatewayId }),
      JSON.stringify({
        v: 1,
        gw: gatewayId,
        seq: 2,
        points: [{ d: 'meter', t: 'in', ts: start + 61_000, v: 21, q: 'good' }],
      }),
      { qos: 1 },
    );
    const preview = await until(
      'the new derived tag computed',
      async () => {
        const res = await post('/v1/derived-tags/preview', { siteId, formula: '${double}' });
        return res.body.value === 42 ? res.body : undefined;
      },
      5_000,
      100,
    );
    expect(preview).toMatchObject({ value: 42, quality: 'good' });

    // the site's latest values list its derived tags with the site's tags (issue 21: an asset's
    // measurement bound to a derived tag shows live); a gateway's or a device's do not
    const latest = await api.call('GET', `/v1/telemetry/latest?siteId=${siteId}`, { token });
    expect(latest.status).toBe(200);
    const byKey = new Map(latest.body.values.map((v: { tagKey: string }) => [v.tagKey, v]));
    expect(byKey.get('in')).toMatchObject({ value: 21 });
    expect(byKey.get('balance')).toMatchObject({ tagId: balance.id, siteId, name: 'Balance', unit: 'm³/h' });
    expect(byKey.get('double')).toMatchObject({ tagId: double.body.id, value: 42, name: 'Double' });
    const ofGateway = await api.call('GET', `/v1/telemetry/latest?gatewayId=${gatewayId}`, { token });
    expect(ofGateway.body.values.map((v: { tagKey: string }) => v.tagKey).sort()).toEqual(['in', 'out']);
    // and so does the site's live stream, which the asset page reads
    const controller = new AbortController();
    const stream = await fetch(`${api.runtime.apiUrl}/v1/telemetry/stream?siteId=${siteId}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body?.getReader();
    if (!reader) throw new Error('no body');
    let text = '';
    const block = () => text.split('\n\n').find((b) => b.includes('event: values') && b.includes('data:'));
    while (block() === undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const data = JSON.parse(
      (block() ?? '')
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5))
        .join(''),
    );
    expect(data.values).toContainEqual(expect.objectContaining({ tagId: double.body.id, value: 42 }));
  });
});
