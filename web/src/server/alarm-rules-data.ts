import 'server-only';
// Reads for the alarm rules pages: the rules the viewer may see, and one rule.
import { type AlarmRule, alarmCurveSchema, alarmRuleSchema, derivedTagListSchema } from '@plantwatch/shared';
import { z } from 'zod';
import type { RulePlant } from '../components/alarm-rule-form.tsx';
import { listDevices, listGateways, listSites, listTags, read } from './data.ts';

export const listAlarmRules = async (): Promise<AlarmRule[]> =>
  (await read('/v1/alarm-rules', z.object({ alarmRules: z.array(alarmRuleSchema) }))).alarmRules;

export const getAlarmRule = (ruleId: string): Promise<AlarmRule> =>
  read(`/v1/alarm-rules/${encodeURIComponent(ruleId)}`, alarmRuleSchema);

/** A rule plant with the derived tags a rule may watch too (their rules name them as `tagId`). */
export type RuleWatchables = RulePlant & { derivedTags: NonNullable<RulePlant['derivedTags']> };

/** Everything a rule can watch, for the form's site → device → tag choice and the list's names. */
export async function rulePlant(): Promise<RuleWatchables> {
  const [sites, gateways, devices, tags, derived, curves] = await Promise.all([
    listSites(),
    listGateways(),
    listDevices(),
    listTags(),
    read('/v1/derived-tags', derivedTagListSchema),
    read('/v1/alarm-curves', z.object({ items: z.array(alarmCurveSchema) })),
  ]);
  const siteOfGateway = new Map(gateways.map((g) => [g.id, g.siteId]));
  return {
    sites: sites.map((s) => ({ id: s.id, name: s.name })),
    gateways: gateways.map((g) => ({ id: g.id, name: g.name, siteId: g.siteId })),
    devices: devices.flatMap((d) => {
      const siteId = siteOfGateway.get(d.gatewayId);
      return siteId === undefined ? [] : [{ id: d.id, name: d.name, siteId }];
    }),
    tags: tags.map((t) => ({ id: t.id, name: t.name, key: t.key, unit: t.unit, deviceId: t.deviceId })),
    derivedTags: derived.items.map((t) => ({
      id: t.id,
      name: t.name,
      siteId: t.siteId,
      key: t.key,
      unit: t.unit,
    })),
    curves: curves.items.map((c) => ({
      id: c.id,
      name: c.name,
      xUnit: c.xUnit,
      yUnit: c.yUnit,
      points: c.points,
    })),
  };
}
