// What a rule being saved watches, checked against what the caller may see, and the record it is
// stored as (a curve rule with its template's points copied, ADR 0048).
import { assertCurvePoints, type CreateAlarmRule, NotFoundError } from '@plantwatch/shared';
import type { DerivedTagRepositories } from '../derived-tags/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import type { AlarmCurveRepositories } from './curve-ports.ts';
import type { AlarmRuleRecord } from './ports.ts';

/** What resolving a rule's targets reads. */
type TargetRepositories = Pick<PlantRepositories, 'tags' | 'devices' | 'gateways'> &
  Partial<Pick<DerivedTagRepositories, 'derivedTags'>> &
  Partial<AlarmCurveRepositories>;

/** Where a rule sits and what it watches, checked against what the caller may see. */
export async function resolveTarget(
  repos: TargetRepositories,
  principal: Principal,
  input: CreateAlarmRule,
): Promise<{ siteId: string; tagId: string | null; deviceId?: string | null; gatewayId?: string }> {
  if (input.kind !== 'commLoss') {
    // A rule watches a tag or a derived tag (ADR 0039), named alike by tagId.
    const tag = (await repos.tags.get(input.tagId)) ?? (await repos.derivedTags?.get(input.tagId));
    if (!tag || !canSeeSite(principal, tag.siteId)) throw new NotFoundError('tag not found');
    if (input.kind === 'curve') {
      // A curve's X is a tag of the Y tag's site (ADR 0048): another site's or tenant's is not found.
      const x = (await repos.tags.get(input.xTagId)) ?? (await repos.derivedTags?.get(input.xTagId));
      if (!x || x.siteId !== tag.siteId) throw new NotFoundError("xTagId: tag not found on the rule's site");
    }
    return { siteId: tag.siteId, tagId: tag.id };
  }
  if (input.scope === 'device') {
    const device = input.deviceId ? await repos.devices.get(input.deviceId) : null;
    if (!device || !canSeeSite(principal, device.siteId)) throw new NotFoundError('device not found');
    return { siteId: device.siteId, tagId: null, deviceId: device.id, gatewayId: device.gatewayId };
  }
  const gateway = input.gatewayId ? await repos.gateways.get(input.gatewayId) : null;
  if (!gateway || !canSeeSite(principal, gateway.siteId)) throw new NotFoundError('gateway not found');
  return { siteId: gateway.siteId, tagId: null, deviceId: null, gatewayId: gateway.id };
}

export function toRecord(
  id: string,
  input: CreateAlarmRule,
  target: Awaited<ReturnType<typeof resolveTarget>>,
) {
  return {
    ...input,
    ...target,
    id,
  } as AlarmRuleRecord;
}

/**
 * A curve rule keeps a copy of its template's points (ADR 0048: the engine reads no store; an edit of
 * the template carries its points to the rules). Another tenant's template is not found.
 */
export async function withCurve(repos: TargetRepositories, input: CreateAlarmRule): Promise<CreateAlarmRule> {
  if (input.kind !== 'curve') return input;
  if (input.points !== undefined) assertCurvePoints(input.points);
  if (input.curveId === undefined || input.curveId === null) return { ...input, curveId: null };
  const curve = await repos.alarmCurves?.get(input.curveId);
  if (!curve) throw new NotFoundError('curveId: curve not found');
  return { ...input, points: curve.points };
}
