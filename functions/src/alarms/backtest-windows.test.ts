import type { CreateAlarmRule, TelemetryPointRecord } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../compose/config-store.ts';
import type { Principal } from '../platform/principal.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { backtestAlarmRule } from './backtest.ts';
import { alarmIdOf } from './journal.ts';
import { type BacktestPlant, openBacktestPlant, replayThroughIngest } from './testing.ts';

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
  let fixture: BacktestPlant;
  let store: ConfigStore;
  let telemetry: TelemetryStore;
  let principal: Principal;
  let plant: { tenantId: string; siteId: string; gatewayId: string; runTagId: string; flowTagId: string };

  beforeAll(async () => {
    fixture = await openBacktestPlant([
      { key: 'pump1_run', name: 'pump1_run', unit: '' },
      { key: 'inflow', name: 'inflow', unit: 'm³/h' },
    ]);
    ({ store, telemetry, principal } = fixture);
    plant = {
      ...fixture,
      runTagId: fixture.tagIds.pump1_run as string,
      flowTagId: fixture.tagIds.inflow as string,
    };

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
    await fixture?.close();
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

    const { rule: saved, journal } = await replayThroughIngest(fixture, {
      rule,
      tagKey,
      from: T0,
      to: NOW,
      batch: 60,
      clock,
    });
    expect(journal.every((event) => event.alarmId === alarmIdOf(saved.id, 'alarm'))).toBe(true);
    const live = journal
      .filter((event) => event.kind === 'raised' || event.kind === 'cleared')
      .map((event) => ({ at: event.at, kind: event.kind, value: event.value }))
      .sort((a, b) => a.at.localeCompare(b.at));
    const predicted = backtest.timeline.map(({ at, kind, value }) => ({ at, kind, value }));
    expect(live).toEqual(predicted);
  });
});
