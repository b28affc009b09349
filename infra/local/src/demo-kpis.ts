// biome-ignore-all lint/suspicious/noTemplateCurlyInString: a formula's references are written ${device:tag}
// The demo site's derived KPI (issue 17): the wet well's flow balance, inflow less what the pump takes
// out (its rated 85 L/s while it runs: the lift station has no outflow meter), with a rule on it: a
// storm's inflow the idle pump is not taking away.
import * as alarms from '@plantwatch/functions/alarms/alarms';
import { createDerivedTag } from '@plantwatch/functions/derived-tags/derived-tags';
import type { Principal } from '@plantwatch/functions/platform/principal';
import { createAlarmRuleSchema, createDerivedTagSchema } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';
import { DEMO_GATEWAY_NAME } from './seed.ts';

export const DEMO_KPI_KEY = 'wet-well-balance';
export const DEMO_KPI_RULE = 'Wet well filling fast';

/** Creates the KPI and its rule when the demo site has no derived tags yet; edited tenants are left alone. */
export async function seedDemoKpis(deps: LocalDeps, tenantId: string): Promise<{ created: number }> {
  const owner: Principal = {
    tenantId,
    role: 'owner',
    siteIds: null,
    userId: null,
    apiKeyId: null,
    sessionId: null,
  };
  const siteId = await deps.store.inTenant(tenantId, async (repos) => {
    const gateway = (await repos.gateways.list({ scope: null })).find((g) => g.name === DEMO_GATEWAY_NAME);
    if (!gateway) return null;
    if ((await repos.derivedTags.list({ siteId: gateway.siteId, scope: null })).length > 0) return null;
    const tags = await repos.tags.telemetryRefs({ gatewayId: gateway.id, scope: null });
    const has = (tagKey: string) => tags.some((ref) => ref.deviceKey === 'plc-1' && ref.tagKey === tagKey);
    return has('inflow') && has('pump_run') ? gateway.siteId : null;
  });
  if (!siteId) return { created: 0 };
  const balance = await createDerivedTag(
    deps,
    owner,
    createDerivedTagSchema.parse({
      siteId,
      key: DEMO_KPI_KEY,
      name: 'Wet well flow balance',
      description: 'Inflow less the pump’s rated 85 L/s while it runs: positive, the well is filling',
      formula: '${plc-1:inflow} - (${plc-1:pump_run} ? 85 : 0)',
      unit: 'L/s',
    }),
  );
  await alarms.createAlarmRule(
    deps,
    owner,
    createAlarmRuleSchema.parse({
      kind: 'comparison',
      tagId: balance.id,
      name: DEMO_KPI_RULE,
      description: 'More than 50 L/s flowing in that the pump is not taking away',
      severity: 'low',
      op: '>',
      value: 50,
      deadband: 2,
      onDelayMs: 10_000,
    }),
  );
  return { created: 2 };
}
