// Operating-curve templates and curve rules on PGlite (ADR 0048): CRUD, another tenant's curve and
// another site's or tenant's tag not found, a template's new points carried to its rules, a template in
// use not deleted, and a curve rule raised by ingest's evaluator from both tags' samples.
import {
  type AlarmRule,
  ConflictError,
  createAlarmRuleSchema,
  InvalidInputError,
  NotFoundError,
} from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigStore, createPostgresConfigStore } from '../compose/config-store.ts';
import { createTestSite, newTestPlant, type TestDevice, testTagId } from '../plant/testing/plant.ts';
import { openConfigDatabase } from '../platform/database/database.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { createAlarmRule, deleteAlarmRule, getAlarmRule, listAlarms, updateAlarmRule } from './alarms.ts';
import { backtestAlarmRule } from './backtest.ts';
import {
  createAlarmCurve,
  deleteAlarmCurve,
  getAlarmCurve,
  listAlarmCurves,
  updateAlarmCurve,
} from './curves.ts';
import { createAlarmEvaluator } from './evaluator.ts';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const clock = { now: () => new Date(NOW) };
const PUMP: [number, number][] = [
  [0, 40],
  [50, 35],
  [100, 20],
];

interface Plant {
  tenantId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  /** flow (X) and head (Y) of the site; `other` is a tag of a second site of the tenant. */
  flow: string;
  head: string;
  other: string;
  principal: Principal;
}

/** A tenant (UTC) with two sites, Works and Other works, each with a device `pump1` reading flow and head. */
async function createPlant(store: ConfigStore): Promise<Plant> {
  const pump: TestDevice = {
    key: 'pump1',
    name: 'Pump 1',
    tags: [
      { key: 'flow', unit: 'm³/h' },
      { key: 'head', unit: 'm' },
    ],
  };
  const works = await newTestPlant(store, {
    label: 'curves',
    siteName: 'Works',
    timeZone: 'UTC',
    devices: [pump],
  });
  const other = await store.inTenant(works.tenantId, (repos) =>
    createTestSite(repos, { siteName: 'Other works', timeZone: 'UTC', devices: [pump] }),
  );
  const device = works.devices[0];
  if (!device) throw new Error('no pump in the curves plant');
  return {
    tenantId: works.tenantId,
    siteId: works.siteId,
    gatewayId: works.gatewayId,
    deviceId: device.id,
    flow: testTagId(works, 'flow'),
    head: testTagId(works, 'head'),
    other: testTagId(other, 'flow'),
    principal: works.principal,
  };
}

describe('operating-curve templates and rules', () => {
  let store: ConfigStore;
  let a: Plant;
  let b: Plant;
  const deps = () => ({ store, ids: uuidV7Ids, clock });
  const curveRule = (plant: Plant, spec: Record<string, unknown>) =>
    createAlarmRule(
      deps(),
      plant.principal,
      createAlarmRuleSchema.parse({
        kind: 'curve',
        tagId: plant.head,
        xTagId: plant.flow,
        name: 'Pump 1 off its curve',
        severity: 'medium',
        tolerance: 2,
        ...spec,
      }),
    );

  beforeAll(async () => {
    const database = await openConfigDatabase({ kind: 'pglite' });
    store = createPostgresConfigStore(database.db, () => database.close());
    a = await createPlant(store);
    b = await createPlant(store);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it("keeps each tenant's curves to itself", async () => {
    const curve = await createAlarmCurve(deps(), a.principal, {
      name: 'Pump 1 head',
      description: '',
      xUnit: 'm³/h',
      yUnit: 'm',
      points: PUMP,
    });
    expect(await getAlarmCurve(deps(), a.principal, curve.id)).toMatchObject({ points: PUMP });
    expect((await listAlarmCurves(deps(), a.principal)).map((c) => c.id)).toEqual([curve.id]);
    expect(await listAlarmCurves(deps(), b.principal)).toEqual([]);
    await expect(getAlarmCurve(deps(), b.principal, curve.id)).rejects.toThrow(NotFoundError);
    await expect(updateAlarmCurve(deps(), b.principal, curve.id, { name: 'Mine' })).rejects.toThrow(
      NotFoundError,
    );
    await expect(deleteAlarmCurve(deps(), b.principal, curve.id)).rejects.toThrow(NotFoundError);
    // another tenant's rule cannot be made from it
    await expect(curveRule(b, { curveId: curve.id })).rejects.toThrow('curve not found');
    await expect(
      createAlarmCurve(deps(), a.principal, {
        name: 'Pump 1 head',
        description: '',
        xUnit: '',
        yUnit: '',
        points: PUMP,
      }),
    ).rejects.toThrow(ConflictError);
    await deleteAlarmCurve(deps(), a.principal, curve.id);
  });

  it('refuses an X tag of another site or tenant as not found', async () => {
    const unsorted: [number, number][] = [
      [0, 40],
      [50, 35],
      [40, 20],
    ];
    await expect(curveRule(a, { points: unsorted })).rejects.toThrow('points.2.0: x 40 must be greater');
    await expect(
      createAlarmCurve(deps(), a.principal, {
        name: 'Bad',
        description: '',
        xUnit: '',
        yUnit: '',
        points: unsorted,
      }),
    ).rejects.toThrow(InvalidInputError);
    expect(await listAlarmCurves(deps(), a.principal)).toEqual([]);
    await expect(curveRule(a, { points: PUMP, xTagId: a.other })).rejects.toThrow('xTagId: tag not found');
    await expect(curveRule(a, { points: PUMP, xTagId: b.flow })).rejects.toThrow('xTagId: tag not found');
    await expect(curveRule(a, { points: PUMP, tagId: b.head })).rejects.toThrow(NotFoundError);
  });

  it('copies the template into its rules, carries new points to them, and keeps a used template', async () => {
    const curve = await createAlarmCurve(deps(), a.principal, {
      name: 'Pump 1 head (2)',
      description: '',
      xUnit: 'm³/h',
      yUnit: 'm',
      points: PUMP,
    });
    const rule = await curveRule(a, { curveId: curve.id });
    expect(rule).toMatchObject({ kind: 'curve', curveId: curve.id, points: PUMP, siteId: a.siteId });
    const worn: [number, number][] = [
      [0, 38],
      [100, 18],
    ];
    await updateAlarmCurve(deps(), a.principal, curve.id, { points: worn });
    expect(await getAlarmRule(deps(), a.principal, rule.id)).toMatchObject({
      curveId: curve.id,
      points: worn,
    });
    await expect(deleteAlarmCurve(deps(), a.principal, curve.id)).rejects.toThrow(
      'the curve is used by the rule "Pump 1 off its curve"',
    );
    // the rule's own points detach it from the template
    const own = await updateAlarmRule(deps(), a.principal, rule.id, { points: PUMP, tolerance: 3 });
    expect(own).toMatchObject({ curveId: null, points: PUMP, tolerance: 3 });
    await deleteAlarmCurve(deps(), a.principal, curve.id);
    await deleteAlarmRule(deps(), a.principal, rule.id);
  });

  it('raises on ingest when the head falls under the curve at the latest flow', async () => {
    const rule: AlarmRule = await curveRule(a, { points: PUMP, side: 'below', name: 'Pump 1 worn' });
    const evaluator = createAlarmEvaluator({ store, ids: uuidV7Ids, clock });
    const point = (tagId: string, ts: number, value: number) => ({
      tagId,
      deviceId: a.deviceId,
      ts,
      value,
      quality: 'good' as const,
    });
    const at = { tenantId: a.tenantId, siteId: a.siteId, gatewayId: a.gatewayId };
    // at 50 m³/h the curve says 35 m: 34 m is within 2 m
    await evaluator.evaluate({ ...at, points: [point(a.flow, NOW, 50), point(a.head, NOW, 34)] });
    // the flow is not sent again (report by exception): 30 m at the held 50 m³/h is 5 m under
    await evaluator.evaluate({ ...at, points: [point(a.head, NOW + 1000, 30)] });
    const alarms = await listAlarms(deps(), a.principal, { status: 'all' });
    expect(alarms.filter((alarm) => alarm.ruleId === rule.id)).toMatchObject([
      { state: 'active-unacked', value: 30 },
    ]);
  });

  it('backtests a curve rule over both tags, with the X held between its samples as ingest does', async () => {
    const curve = await createAlarmCurve(deps(), a.principal, {
      name: 'Pump 1 head (backtest)',
      description: '',
      xUnit: 'm³/h',
      yUnit: 'm',
      points: PUMP,
    });
    // flow every 10 s, head every second; the head sags 10 s into the second minute
    const series: Record<string, [number, number][]> = { flow: [], head: [] };
    for (let t = 0; t < 120; t++) {
      if (t % 10 === 0) series.flow?.push([NOW + t * 1000, 50]);
      series.head?.push([NOW + t * 1000, t >= 70 && t < 80 ? 30 : 35]);
    }
    const telemetry = {
      range: async (_tenantId: string, ref: { tagKey: string }, from: number, to: number, limit: number) =>
        (series[ref.tagKey] ?? [])
          .filter(([ts]) => ts >= from && ts < to)
          .slice(0, limit)
          .map(([ts, value]) => ({ ts, value, quality: 'good' as const })),
    };
    const result = await backtestAlarmRule({ store, telemetry }, a.principal, {
      rule: createAlarmRuleSchema.parse({
        kind: 'curve',
        tagId: a.head,
        xTagId: a.flow,
        name: 'Pump 1 worn',
        severity: 'low',
        tolerance: 2,
        curveId: curve.id,
      }),
      from: new Date(NOW).toISOString(),
      to: new Date(NOW + 120_000).toISOString(),
    });
    expect(result).toMatchObject({ samples: 132, raises: 1, clears: 1, timeInAlarmMs: 10_000 });
    expect(result.timeline.map((entry) => [entry.kind, entry.at, entry.value])).toEqual([
      ['raised', new Date(NOW + 70_000).toISOString(), 30],
      ['cleared', new Date(NOW + 80_000).toISOString(), 35],
    ]);
    await expect(
      backtestAlarmRule({ store, telemetry }, a.principal, {
        rule: createAlarmRuleSchema.parse({
          kind: 'curve',
          tagId: a.head,
          xTagId: a.other,
          name: 'Pump 1 worn',
          severity: 'low',
          tolerance: 2,
          points: PUMP,
        }),
        from: new Date(NOW).toISOString(),
        to: new Date(NOW + 120_000).toISOString(),
      }),
    ).rejects.toThrow('rule.xTagId: tag not found');
  });
});
