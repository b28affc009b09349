// The demo site's window rules (issue 17, ADR 0045): the inflow volume per hour, summed from the
// PLC's flow totaliser register (a running total in m³), and the pump's starts per hour, counted
// from its run signal. The simulated lift station takes in about 144 m³ an hour and starts its
// pump about four times an hour, so neither alarms in dry weather; a storm's inflow or a short-
// cycling pump (a stuck level switch) would, as they would on a real station.
import * as alarms from '@plantwatch/functions/alarms/alarms';
import type { Principal } from '@plantwatch/functions/platform/principal';
import { createAlarmRuleSchema } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';
import { DEMO_GATEWAY_NAME } from './seed.ts';

export const DEMO_VOLUME_RULE = 'Inflow volume per hour';
export const DEMO_STARTS_RULE = 'Pump 1 starts per hour';

/**
 * Creates both rules when the demo site has no totalizer or counter rule yet (a first start, or a
 * demo tenant seeded before these kinds existed); a site that has one is left alone.
 */
export async function seedDemoWindowRules(deps: LocalDeps, tenantId: string): Promise<{ created: number }> {
  const owner: Principal = {
    tenantId,
    role: 'owner',
    siteIds: null,
    userId: null,
    apiKeyId: null,
    sessionId: null,
  };
  const tags = await deps.store.inTenant(tenantId, async (repos) => {
    const gateway = (await repos.gateways.list({ scope: null })).find((g) => g.name === DEMO_GATEWAY_NAME);
    if (!gateway) return null;
    const rules = await repos.alarmRules.list({ siteId: gateway.siteId, scope: null });
    if (rules.some((rule) => rule.kind === 'totalizer' || rule.kind === 'counter')) return null;
    const refs = await repos.tags.telemetryRefs({ gatewayId: gateway.id, scope: null });
    const tag = (tagKey: string) =>
      refs.find((ref) => ref.deviceKey === 'plc-1' && ref.tagKey === tagKey)?.tagId;
    return { flowTotal: tag('flow_total'), pumpRun: tag('pump_run') };
  });
  if (!tags) return { created: 0 };
  const inputs = [
    tags.flowTotal && {
      kind: 'totalizer',
      tagId: tags.flowTotal,
      name: DEMO_VOLUME_RULE,
      description: 'Dry-weather inflow is about 144 m³ an hour; more than 180 m³ is storm water arriving',
      severity: 'low',
      input: 'counter',
      windowSeconds: 3600,
      threshold: 180,
      deadband: 5,
    },
    tags.pumpRun && {
      kind: 'counter',
      tagId: tags.pumpRun,
      name: DEMO_STARTS_RULE,
      description: 'The motor maker allows six starts an hour; more is short-cycling (a level switch stuck?)',
      severity: 'medium',
      state: true,
      windowSeconds: 3600,
      threshold: 6,
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
