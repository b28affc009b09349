// Backtesting window rules (ADR 0045): a counter of pump starts and a totalizer of inflow, run by
// the backtest over stored data, raise and clear exactly what the live engine does when the same data
// is replayed through ingest (PGlite, DuckDB), as backtest.test.ts shows for limit rules.
import { randomUUID } from 'node:crypto';
import {
  type CreateAlarmRule,
  modbusTcpConnectionSchema,
  type TelemetryPointRecord,
  telemetryTopic,
} from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { createTelemetryIngestor } from '../ingest/ingest.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { openDuckDbTelemetryStore } from '../telemetry/adapters/duckdb/telemetry-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { createAlarmRule } from './alarms.ts';
import { backtestAlarmRule } from './backtest.ts';
import { createAlarmEvaluator } from './evaluator.ts';
import { alarmIdOf } from './journal.ts';

const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);
const SECONDS = 6 * 3600;
const NOW = T0 + SECONDS * 1000;
const clock = { now: () => new Date(NOW) };

/** A deterministic pseudo-random sequence in [0, 1). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('backtest of window rules against the live engine', () => {
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let principal: Principal;
  let plant: { tenantId: string; siteId: string; gatewayId: string; runTagId: string; flowTagId: string };

  beforeAll(async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    store = createPostgresConfigStore(database.db, () => database.close());
    telemetry = await openDuckDbTelemetryStore({ path: ':memory:', maxPointAgeMs: 30 * 86_400_000 });
    const tenantId = randomUUID();
    await store.createTenant({
      tenant: { id: tenantId, name: `Windows ${tenantId}`, timeZone: 'UTC' },
      owner: { id: randomUUID(), email: `${tenantId}@example.com`, name: 'Owner', passwordHash: 'x' },
    });
    principal = { tenantId, role: 'owner', siteIds: null, userId: null, apiKeyId: null, sessionId: null };
    plant = await store.inTenant(tenantId, async (repos) => {
      const site = await repos.sites.create({
        id: randomUUID(),
        name: 'Lift station',
        description: '',
        timeZone: 'UTC',
        location: null,
      });
      const gateway = await repos.gateways.create({
        id: randomUUID(),
        siteId: site.id,
        name: 'gw',
        description: '',
      });
      const device = await repos.devices.create({
        id: randomUUID(),
        gatewayId: gateway.id,
        key: 'plc-1',
        name: 'PLC',
        description: '',
        enabled: true,
        connection: modbusTcpConnectionSchema.parse({ protocol: 'modbus-tcp', host: '127.0.0.1' }),
      });
      const tag = (key: string, address: number, unit: string) =>
        repos.tags.create({
          id: randomUUID(),
          deviceId: device.id,
          key,
          name: key,
          description: '',
          address: { kind: 'modbus', area: 'holding', address, type: 'uint16' },
          scale: 1,
          offset: 0,
          unit,
          deadband: 0,
        });
      const run = await tag('pump1_run', 1, '');
      const flow = await tag('inflow', 2, 'm³/h');
      return { tenantId, siteId: site.id, gatewayId: gateway.id, runTagId: run.id, flowTagId: flow.id };
    });

    // Six hours at 10 s: a pump that starts in bursts (so some hours pass 6 starts and some do
    // not), and an inflow that swells and ebbs around 500 m³/h with a bad reading now and then.
    const next = random(45);
    const records: TelemetryPointRecord[] = [];
    let running = false;
    for (let index = 0; index < SECONDS / 10; index++) {
      const ts = T0 + index * 10_000;
      const busy = Math.sin(index / 400) > 0.2;
      if (next() < (busy ? 0.04 : 0.006)) running = !running;
      const base = {
        tenantId: plant.tenantId,
        siteId: plant.siteId,
        gatewayId: plant.gatewayId,
        deviceKey: 'plc-1',
        ts,
      };
      records.push({ ...base, tagKey: 'pump1_run', value: running, quality: 'good' });
      const flow = Math.round((480 + 60 * Math.sin(index / 250) + 20 * (next() - 0.5)) * 10) / 10;
      records.push({ ...base, tagKey: 'inflow', value: flow, quality: index % 613 === 0 ? 'bad' : 'good' });
    }
    await telemetry.write(records);
  }, 60_000);
  afterAll(async () => {
    await telemetry?.close();
    await store?.close();
  });

  const common = {
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    repageHoldOffMinutes: 15,
    severity: 'medium' as const,
  };
  const cases: { name: string; tagKey: string; body: () => CreateAlarmRule }[] = [
    {
      name: 'pump starts per hour > 6',
      tagKey: 'pump1_run',
      body: () => ({
        ...common,
        kind: 'counter',
        tagId: plant.runTagId,
        name: 'Pump 1 starts',
        state: true,
        windowSeconds: 3600,
        threshold: 6,
      }),
    },
    {
      name: 'inflow volume > 500 m³ in an hour, with a deadband and an off-delay',
      tagKey: 'inflow',
      body: () => ({
        ...common,
        kind: 'totalizer',
        tagId: plant.flowTagId,
        name: 'Inflow volume',
        input: 'ratePerHour',
        windowSeconds: 3600,
        threshold: 500,
        deadband: 5,
        offDelayMs: 60_000,
      }),
    },
  ];

  it.each(cases)('$name: the backtest raises what ingest raises', async ({ tagKey, body }) => {
    const rule = body();
    const from = new Date(T0).toISOString();
    const to = new Date(NOW).toISOString();
    const backtest = await backtestAlarmRule({ store, telemetry }, principal, { rule, from, to });
    expect(backtest.samples).toBe(SECONDS / 10);
    expect(backtest.raises).toBeGreaterThan(1);
    expect(backtest.clears).toBeGreaterThan(0);

    const alarmDeps = { store, ids: uuidV7Ids, clock };
    const saved = await createAlarmRule(alarmDeps, principal, rule);
    const ingestor = createTelemetryIngestor({
      store,
      telemetry,
      alarms: createAlarmEvaluator(alarmDeps),
      clock,
      ids: uuidV7Ids,
    });
    const stored = await telemetry.range(
      plant.tenantId,
      { gatewayId: plant.gatewayId, deviceKey: 'plc-1', tagKey },
      T0,
      NOW,
      10_000,
    );
    for (let start = 0; start < stored.length; start += 60) {
      const points = stored
        .slice(start, start + 60)
        .map((s) => ({ d: 'plc-1', t: tagKey, ts: s.ts, v: s.value, q: s.quality }));
      const outcome = await ingestor.ingest({
        topic: telemetryTopic(plant),
        payload: Buffer.from(JSON.stringify({ v: 1, gw: plant.gatewayId, seq: start, points })),
        receivedAt: NOW,
      });
      expect(outcome.status).toBe('stored');
    }
    const journal = await store.inTenant(plant.tenantId, (repos) =>
      repos.alarmEvents.list({ ruleId: saved.id }, 10_000),
    );
    expect(journal.every((event) => event.alarmId === alarmIdOf(saved.id, 'alarm'))).toBe(true);
    const live = journal
      .filter((event) => event.kind === 'raised' || event.kind === 'cleared')
      .map((event) => ({ at: event.at, kind: event.kind, value: event.value }))
      .sort((a, b) => a.at.localeCompare(b.at));
    const predicted = backtest.timeline.map(({ at, kind, value }) => ({ at, kind, value }));
    expect(live).toEqual(predicted);
  });
});
