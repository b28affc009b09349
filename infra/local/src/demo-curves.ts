// The demo site's operating-curve rule (issue 17, ADR 0048): pump 1's motor current against the flow
// it sends down the discharge main. A centrifugal pump draws more current as it pumps more; at a given
// flow, a current well above the maker's curve is rags wrapped round the impeller (the classic fault of
// a sewage lift station) or a bearing going. The rule watches the high side only: a current below the
// curve at a flow is rarer and mostly a metering fault. Below the curve's lowest flow (a stopped pump)
// nothing is judged, so the pump's stops are no alarm; and with `above` the moments round a start or
// stop when one meter has moved and the other not yet (current 0 at the last flow, or flow 0) are below
// the curve or off its X range, never above it. The simulated pump sends 82-88 L/s at 40-42 A.
import * as alarms from '@plantwatch/functions/alarms/alarms';
import { createAlarmCurve } from '@plantwatch/functions/alarms/curves';
import type { Principal } from '@plantwatch/functions/platform/principal';
import { createAlarmCurveSchema, createAlarmRuleSchema } from '@plantwatch/shared';
import type { LocalDeps } from './compose.ts';
import { DEMO_GATEWAY_NAME } from './seed.ts';

export const DEMO_CURVE_NAME = 'Pump 1 motor current against flow';
export const DEMO_CURVE_RULE = 'Pump 1 drawing too much current (ragging?)';
/** The maker's curve: motor current (A) against the pump's flow (L/s), from its minimum flow. */
export const DEMO_CURVE_POINTS: [number, number][] = [
  [60, 36],
  [85, 41],
  [100, 44],
];

/**
 * Creates the curve template and its rule when the demo site has no curve rule yet and has both tags
 * (the discharge meter came with the leak test: a demo tenant seeded before it lacks it and is left
 * alone); a site that has a curve rule is left alone.
 */
export async function seedDemoCurveRule(deps: LocalDeps, tenantId: string): Promise<{ created: number }> {
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
    if (rules.some((rule) => rule.kind === 'curve')) return null;
    const refs = await repos.tags.telemetryRefs({ gatewayId: gateway.id, scope: null });
    const tag = (deviceKey: string, tagKey: string) =>
      refs.find((ref) => ref.deviceKey === deviceKey && ref.tagKey === tagKey)?.tagId;
    const flow = tag('plc-1', 'discharge_flow');
    const current = tag('plc-2', 'motor_current');
    return flow && current ? { flow, current } : null;
  });
  if (!tags) return { created: 0 };
  const curve = await createAlarmCurve(
    deps,
    owner,
    createAlarmCurveSchema.parse({
      name: DEMO_CURVE_NAME,
      description: 'From the pump maker’s datasheet, at the station’s static head',
      xUnit: 'L/s',
      yUnit: 'A',
      points: DEMO_CURVE_POINTS,
    }),
  );
  await alarms.createAlarmRule(
    deps,
    owner,
    createAlarmRuleSchema.parse({
      kind: 'curve',
      tagId: tags.current,
      xTagId: tags.flow,
      curveId: curve.id,
      name: DEMO_CURVE_RULE,
      description: 'Motor current more than 10% above the maker’s curve at the pumped flow, for 30 s',
      severity: 'medium',
      tolerance: 10,
      toleranceMode: 'percent',
      side: 'above',
      deadband: 0.5,
      // a start's inrush, and a meter a poll behind the other
      onDelayMs: 30_000,
    }),
  );
  return { created: 2 };
}
