// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Timer-based derived tags (ADR 0051) in the local runtime: a derived tag with a period gets a point
// at every boundary from inputs that reported once over MQTT and then fell silent, an alarm rule on it
// raises from those points, bad periods are refused naming the field, and removing the period stops it.
// The timer keeps the tenants with periodic tags in memory (ADR 0051 addendum): while there are none it
// looks nothing up, and a tag saved over the API is computed within seconds, not at the minute's look-up.
import { DERIVED_DEVICE_KEY, telemetryTopic } from '@plantwatch/shared';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { connectProvisionedGateway } from './testing/mqtt.ts';
import { createPlantOverApi, flowMeters } from './testing/plant.ts';

describe('derived tags with a period in the local runtime', () => {
  let api: TestApi;
  let token: string;
  let siteId: string;
  let gatewayId: string;
  let tenantId: string;
  let client: MqttClient;

  beforeAll(async () => {
    api = await startTestApi({ derivedTagTimerIntervalMs: 250 });
    const plant = await createPlantOverApi(api, 'derived-periodic', flowMeters);
    ({ token, siteId, gatewayId, tenantId } = plant);
    ({ client } = await connectProvisionedGateway(api, token, gatewayId));
  });
  afterAll(async () => {
    await client?.endAsync(true);
    await api?.close();
  });

  const post = (path: string, body: unknown) => api.call('POST', path, { token, body });
  const balanceSamples = () =>
    api.runtime.telemetry.range(
      tenantId,
      { gatewayId: siteId, deviceKey: DERIVED_DEVICE_KEY, tagKey: 'balance' },
      0,
      Date.now() + 60_000,
      10_000,
    );

  it('refuses a period or staleness out of range with a 400 naming the field', async () => {
    const base = { siteId, key: 'p', name: 'P', formula: '${meter:in} * 2' };
    const cases: [Record<string, unknown>, string][] = [
      [{ periodSeconds: 0 }, 'periodSeconds'],
      [{ periodSeconds: 3601 }, 'periodSeconds'],
      [{ periodSeconds: 1.5 }, 'periodSeconds'],
      [{ periodSeconds: '60' }, 'periodSeconds'],
      [{ periodSeconds: 60, staleAfterSeconds: 0 }, 'staleAfterSeconds'],
      [{ periodSeconds: 60, staleAfterSeconds: 604_801 }, 'staleAfterSeconds'],
    ];
    for (const [fields, field] of cases) {
      const res = await post('/v1/derived-tags', { ...base, ...fields });
      expect({ fields, status: res.status }).toEqual({ fields, status: 400 });
      expect(JSON.stringify(res.body.error)).toContain(field);
    }
    expect((await api.call('GET', `/v1/derived-tags?siteId=${siteId}`, { token })).body.items).toEqual([]);
  });

  it('stores a point each period from inputs that reported once, and raises an alarm on them', async () => {
    // report by exception: one reading each, then silence (a leak of 20 already there)
    const reportedAt = Date.now();
    await client.publishAsync(
      telemetryTopic({ tenantId, siteId, gatewayId }),
      JSON.stringify({
        v: 1,
        gw: gatewayId,
        seq: 1,
        points: [
          { d: 'meter', t: 'in', ts: reportedAt, v: 100, q: 'good' },
          { d: 'meter', t: 'out', ts: reportedAt, v: 80, q: 'good' },
        ],
      }),
      { qos: 1 },
    );
    await until(
      'the readings stored',
      async () => {
        const preview = await post('/v1/derived-tags/preview', {
          siteId,
          formula: '${meter:in} - ${meter:out}',
        });
        return preview.body.value === 20 ? true : undefined;
      },
      10_000,
      100,
    );
    // no tenant has a periodic tag: the timer, every 250 ms, has not looked the tenants up once in 2 s
    expect(await api.runtime.derivedTagTimer.runNow()).toMatchObject({ tenants: 0 });
    const lookups = vi.spyOn(api.runtime.store, 'findTenantsWithPeriodicDerivedTags');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(lookups).not.toHaveBeenCalled();

    // saved after the readings: ingest never computes it, only the timer does
    const balance = await post('/v1/derived-tags', {
      siteId,
      key: 'balance',
      name: 'Balance',
      unit: 'm³/h',
      formula: '${meter:in} - ${meter:out}',
      periodSeconds: 1,
      staleAfterSeconds: 3600,
    });
    expect(balance.status, JSON.stringify(balance.body)).toBe(201);
    expect(balance.body).toMatchObject({ periodSeconds: 1, staleAfterSeconds: 3600 });
    const rule = await post('/v1/alarm-rules', {
      kind: 'limit',
      tagId: balance.body.id,
      name: 'Leak',
      levels: [{ level: 'hi', threshold: 10, severity: 'high' }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    // the save told the timer: its next tick looked again (the safety look-up is a minute away)
    const samples = await until(
      'three periodic points',
      async () => {
        const stored = await balanceSamples();
        return stored.length >= 3 ? stored : undefined;
      },
      20_000,
      250,
    );
    expect(lookups).toHaveBeenCalled();
    // one a second, on whole seconds, each the held readings' balance
    for (const sample of samples) expect(sample).toMatchObject({ value: 20, quality: 'good' });
    expect(samples.every((sample) => sample.ts % 1000 === 0)).toBe(true);
    const gaps = samples.slice(1).map((sample, index) => sample.ts - (samples[index] as { ts: number }).ts);
    expect(new Set(gaps)).toEqual(new Set([1000]));

    const alarm = await until(
      'the leak alarm raised',
      async () => {
        const alarms = (await api.call('GET', `/v1/alarms?ruleId=${rule.body.id}&status=all`, { token })).body
          .alarms as { state: string; value: number; activeSince: string }[];
        return alarms[0]?.state === 'active-unacked' ? alarms[0] : undefined;
      },
      10_000,
      250,
    );
    expect(alarm.value).toBe(20);
    expect(Date.parse(alarm.activeSince) % 1000).toBe(0);

    // no period: computed only when an input changes again
    const off = await api.call('PATCH', `/v1/derived-tags/${balance.body.id}`, {
      token,
      body: { periodSeconds: null },
    });
    expect(off.status).toBe(200);
    expect(off.body.periodSeconds).toBeNull();
    const bad = await api.call('PATCH', `/v1/derived-tags/${balance.body.id}`, {
      token,
      body: { periodSeconds: -1 },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('periodSeconds');
    // a run in progress may still add one: wait for the timer to pass twice, then nothing more comes
    await api.runtime.derivedTagTimer.runNow();
    expect(await api.runtime.derivedTagTimer.runNow()).toMatchObject({ tenants: 0 });
    const stopped = (await balanceSamples()).length;
    lookups.mockClear();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await balanceSamples()).length).toBe(stopped);
    // and no tenant has one any more: no look-ups again
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();
  }, 60_000);
});
