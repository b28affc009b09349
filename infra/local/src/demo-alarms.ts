// The demo tenant's alarm rules, chosen so a newcomer sees alarms within a minute of `npm start`:
// the simulated wet well starts at 1.5 m and rises about 0.2 m a minute until the pump starts at
// 2.6 m, then falls to 0.9 m, so the level crosses Hi in about 30 s, HiHi after about 4 minutes and
// Lo on the way down; the motor warms past its limit while the pump runs; the pump trips now and
// then; and losing the OPC UA drive or the gateway raises communication-loss alarms.

import * as alarms from '@plantwatch/functions/alarms/alarms';
import type { Principal } from '@plantwatch/functions/platform/principal';
import { type AlarmRule, createAlarmRuleSchema } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';
import { DEMO_GATEWAY_NAME } from './seed.ts';

/**
 * Stable keys of the demo rules (the rule names are what is stored): the escalation demo sets an
 * escalation policy on some of them through `demoAlarmRuleIds`.
 */
export const demoAlarmRules = {
  wetWellLevel: 'Wet well level',
  motorTemperature: 'Pump 1 motor hot',
  pumpTrip: 'Pump 1 tripped',
  driveCommLoss: 'Pump drive not reporting',
  gatewayOffline: 'Gateway gw-north offline',
} as const;
export type DemoAlarmRuleKey = keyof typeof demoAlarmRules;

const ownerOf = (tenantId: string): Principal => ({
  tenantId,
  role: 'owner',
  siteIds: null,
  userId: null,
  apiKeyId: null,
  sessionId: null,
});

/**
 * Creates the demo alarm rules when the demo site has none (a first start, or a demo tenant seeded
 * before alarms existed); a tenant whose rules were edited or deleted since is left alone.
 */
export async function seedDemoAlarmRules(deps: LocalDeps, tenantId: string): Promise<{ created: number }> {
  const owner = ownerOf(tenantId);
  const plant = await deps.store.inTenant(tenantId, async (repos) => {
    const gateway = (await repos.gateways.list({ scope: null })).find((g) => g.name === DEMO_GATEWAY_NAME);
    if (!gateway) return null;
    if ((await repos.alarmRules.list({ siteId: gateway.siteId, scope: null })).length > 0) return null;
    const devices = await repos.devices.list({ gatewayId: gateway.id, scope: null });
    const tags = await repos.tags.telemetryRefs({ gatewayId: gateway.id, scope: null });
    const tag = (deviceKey: string, tagKey: string) =>
      tags.find((ref) => ref.deviceKey === deviceKey && ref.tagKey === tagKey)?.tagId;
    return {
      gatewayId: gateway.id,
      driveId: devices.find((device) => device.key === 'plc-2')?.id,
      levelTag: tag('plc-1', 'level'),
      faultTag: tag('plc-1', 'pump_fault'),
      motorTempTag: tag('plc-2', 'motor_temp'),
    };
  });
  if (!plant) return { created: 0 };
  const inputs: unknown[] = [
    plant.levelTag && {
      kind: 'limit',
      tagId: plant.levelTag,
      name: demoAlarmRules.wetWellLevel,
      description: 'Pump start is at 2.6 m, stop at 0.9 m; Hi is set low so the demo trips it early',
      deadband: 0.05,
      levels: [
        { level: 'hihi', threshold: 2.5, severity: 'critical', name: 'Wet well HiHi: overflow risk' },
        { level: 'hi', threshold: 1.6, severity: 'high', name: 'Wet well high' },
        { level: 'lo', threshold: 1.2, severity: 'medium', name: 'Wet well low' },
      ],
    },
    plant.motorTempTag && {
      kind: 'comparison',
      tagId: plant.motorTempTag,
      name: demoAlarmRules.motorTemperature,
      severity: 'medium',
      op: '>',
      value: 55,
      deadband: 2,
      onDelayMs: 10_000,
    },
    plant.faultTag && {
      kind: 'digital',
      tagId: plant.faultTag,
      name: demoAlarmRules.pumpTrip,
      severity: 'high',
      trigger: 'true',
    },
    plant.driveId && {
      kind: 'commLoss',
      name: demoAlarmRules.driveCommLoss,
      severity: 'high',
      scope: 'device',
      deviceId: plant.driveId,
      afterSeconds: 30,
    },
    {
      kind: 'commLoss',
      name: demoAlarmRules.gatewayOffline,
      severity: 'critical',
      scope: 'gateway',
      gatewayId: plant.gatewayId,
      afterSeconds: 60,
    },
  ];
  let created = 0;
  for (const input of inputs) {
    if (!input) continue;
    await alarms.createAlarmRule(deps, owner, createAlarmRuleSchema.parse(input));
    created += 1;
  }
  return { created };
}

/** The demo rules' ids by key, for whoever wires more of the demo to them (escalation policies). */
export async function demoAlarmRuleIds(
  deps: LocalDeps,
  tenantId: string,
): Promise<Partial<Record<DemoAlarmRuleKey, AlarmRule['id']>>> {
  const rules = await alarms.listAlarmRules(deps, ownerOf(tenantId), {});
  return Object.fromEntries(
    (Object.entries(demoAlarmRules) as [DemoAlarmRuleKey, string][]).flatMap(([key, name]) => {
      const rule = rules.find((candidate) => candidate.name === name);
      return rule ? [[key, rule.id]] : [];
    }),
  );
}
