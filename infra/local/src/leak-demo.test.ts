// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Issue 17's end-to-end leak test, on the demo plant: the real local runtime (API, broker, ingest,
// derived-tag calculator, alarm engine), the simulated lift station and a real gateway process that
// polls it over Modbus TCP. The discharge main's two flow meters are read by the gateway, a derived
// tag balances them (pumped − delivered), and a Hi rule on that KPI raises when a leak is opened in
// the main (a Modbus write of the PLC's leak register, as an HMI would), and clears when it is closed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLeak } from '@plantwatch/edge-gateway/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoPlant, startDemoPlant } from './demo-plant.ts';
import { demoSession } from './testing/demo-session.ts';
import { until } from './testing/harness.ts';

/** The pump's start level: setting the wet well there makes the simulated pump run for minutes. */
const PUMP_START_LEVEL_M = 2.7;

describe('a flow-balance KPI on the demo plant raises when the simulator opens a leak', () => {
  const demo = demoSession();
  let plant: DemoPlant;
  let dataDir: string;
  let siteId: string;
  let modbus: { host: string; port: number };

  // After the session's own hook, and closed before it closes the runtime.
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-leak-'));
    const started = await startDemoPlant({
      deps: demo.api.runtime.deps,
      tenantId: demo.tenantId,
      host: '127.0.0.1',
      dataDir,
    });
    if (!started) throw new Error('the demo plant did not start');
    plant = started;
    const url = new URL(plant.modbusUrl);
    modbus = { host: url.hostname, port: Number(url.port) };
  }, 120_000);
  afterAll(async () => {
    await plant?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('raises the KPI alarm on a 20 L/s leak and clears it when the leak is closed', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      demo.api.call(method, path, { token: demo.token, ...(body === undefined ? {} : { body }) });
    const device = (await call('GET', '/v1/devices')).body.devices.find(
      (d: { key: string }) => d.key === 'plc-1',
    );
    const gateway = (await call('GET', `/v1/gateways/${device.gatewayId}`)).body;
    siteId = gateway.siteId;
    // the discharge main's two meters are demo tags (seeded with the plant), read by the gateway
    const tags = (await call('GET', `/v1/tags?deviceId=${device.id}`)).body.tags as { key: string }[];
    expect(tags.map((tag) => tag.key)).toEqual(expect.arrayContaining(['discharge_flow', 'delivered_flow']));
    const formula = '${plc-1:discharge_flow} - ${plc-1:delivered_flow}';
    const kpi = await call('POST', '/v1/derived-tags', {
      siteId,
      key: 'main-balance',
      name: 'Discharge main balance',
      unit: 'L/s',
      formula,
    });
    expect(kpi.status, JSON.stringify(kpi.body)).toBe(201);
    const rule = await call('POST', '/v1/alarm-rules', {
      kind: 'limit',
      tagId: kpi.body.id,
      name: 'Discharge main leak',
      levels: [{ level: 'hi', threshold: 10, severity: 'high' }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    // the pump runs; the gateway (told of the new tags) reads both meters, and the balance is 0
    plant.plant.state.level = PUMP_START_LEVEL_M;
    const balanced = await until(
      'the pump running and the balance computed',
      async () => {
        const preview = (await call('POST', '/v1/derived-tags/preview', { siteId, formula })).body;
        const pumped = preview.inputs?.[0]?.value;
        return preview.quality === 'good' && typeof pumped === 'number' && pumped > 50 ? preview : undefined;
      },
      90_000,
      500,
    );
    expect(Math.abs(balanced.value)).toBeLessThan(10);
    const events = async () =>
      (await call('GET', `/v1/alarms/${rule.body.id}/events?limit=100`)).body.events as { kind: string }[];
    expect(await events()).toEqual([]);

    await writeLeak(modbus, 20);
    await until(
      'the leak alarm raised',
      async () => ((await events()).some((event) => event.kind === 'raised') ? true : undefined),
      60_000,
      500,
    );
    const alarms = (await call('GET', `/v1/alarms?ruleId=${rule.body.id}&status=all`)).body.alarms;
    expect(alarms).toHaveLength(1);
    expect(alarms[0].value).toBeGreaterThan(15);
    expect(alarms[0].value).toBeLessThan(25);

    await writeLeak(modbus, 0);
    await until(
      'the leak alarm cleared',
      async () => ((await events()).some((event) => event.kind === 'cleared') ? true : undefined),
      60_000,
      500,
    );
  }, 300_000);
});
