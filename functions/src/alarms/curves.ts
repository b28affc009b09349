// Operating-curve templates (issue 17, ADR 0048): a tenant's named curves its curve rules share. A rule
// keeps a copy of its template's points (the engine reads no store), and an edit of the points carries
// them to every rule made from the template in the same transaction; a template in use is not deleted.
import {
  type AlarmCurve,
  type AlarmRule,
  assertCurvePoints,
  ConflictError,
  type CreateAlarmCurve,
  NotFoundError,
  type UpdateAlarmCurve,
} from '@plantwatch/shared';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Principal } from '../platform/principal.ts';
import type { AlarmCurveRecord, AlarmCurveRepositories } from './curve-ports.ts';
import type { AlarmRepositories, AlarmRuleRecord } from './ports.ts';

export type AlarmCurveStoreRepositories = AlarmCurveRepositories & Pick<AlarmRepositories, 'alarmRules'>;

export interface AlarmCurveDeps {
  store: TenantStore<AlarmCurveStoreRepositories>;
  ids: IdGenerator;
}

async function curveOr404(repos: AlarmCurveRepositories, curveId: string): Promise<AlarmCurve> {
  const curve = await repos.alarmCurves.get(curveId);
  if (!curve) throw new NotFoundError('curve not found');
  return curve;
}

/** The tenant's curve rules made from the template, whatever their site. */
async function rulesUsing(repos: AlarmCurveStoreRepositories, curveId: string) {
  const rules = await repos.alarmRules.list({ scope: null });
  return rules.filter(
    (rule): rule is Extract<AlarmRule, { kind: 'curve' }> =>
      rule.kind === 'curve' && rule.curveId === curveId,
  );
}

function toRecord(curve: AlarmCurve): AlarmCurveRecord {
  const { tenantId: _tenantId, createdAt: _createdAt, updatedAt: _updatedAt, ...record } = curve;
  return record;
}

export const listAlarmCurves = (deps: AlarmCurveDeps, principal: Principal) =>
  deps.store.inTenant(principal.tenantId, (repos) => repos.alarmCurves.list());

export const getAlarmCurve = (deps: AlarmCurveDeps, principal: Principal, curveId: string) =>
  deps.store.inTenant(principal.tenantId, (repos) => curveOr404(repos, curveId));

export const createAlarmCurve = (deps: AlarmCurveDeps, principal: Principal, input: CreateAlarmCurve) =>
  deps.store.inTenant(principal.tenantId, (repos) => {
    assertCurvePoints(input.points);
    return repos.alarmCurves.create({ ...input, id: deps.ids.newId() });
  });

export const updateAlarmCurve = (
  deps: AlarmCurveDeps,
  principal: Principal,
  curveId: string,
  patch: UpdateAlarmCurve,
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    if (patch.points !== undefined) assertCurvePoints(patch.points);
    const current = await curveOr404(repos, curveId);
    const next: AlarmCurveRecord = {
      ...toRecord(current),
      ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)),
    };
    const replaced = await repos.alarmCurves.replace(next);
    if (!replaced) throw new NotFoundError('curve not found');
    if (patch.points !== undefined) {
      // The rules made from the template follow it: their copy changes with it, in this transaction.
      for (const rule of await rulesUsing(repos, curveId)) {
        const { tenantId: _tenantId, createdAt: _createdAt, updatedAt: _updatedAt, ...record } = rule;
        const changed = { ...record, points: replaced.points };
        await repos.alarmRules.replace(changed as AlarmRuleRecord);
      }
    }
    return replaced;
  });

export const deleteAlarmCurve = (deps: AlarmCurveDeps, principal: Principal, curveId: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    await curveOr404(repos, curveId);
    const using = await rulesUsing(repos, curveId);
    if (using.length > 0) {
      throw new ConflictError(
        `the curve is used by ${using.length === 1 ? 'the rule' : 'the rules'} ${using
          .map((rule) => `"${rule.name}"`)
          .join(', ')}; change or delete ${using.length === 1 ? 'it' : 'them'} first`,
        { details: { rules: using.map((rule) => rule.id) } },
      );
    }
    await repos.alarmCurves.remove(curveId);
  });
