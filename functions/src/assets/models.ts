// Asset models (types): "Centrifugal pump" with its measurements (name, unit, tag pattern) and default
// alarm rules. Creating an asset from a model binds each measurement to the one tag of the site its
// pattern finds (or to the tag given by hand), and makes the model's rules on the bound tags, all in
// one transaction: an ambiguous pattern, a rule without a tag or a bad rule changes nothing.
import {
  type AssetModel,
  type AssetModelAlarmRule,
  type CreateAssetFromModel,
  type CreateAssetModel,
  createAlarmRuleSchema,
  InvalidInputError,
  NotFoundError,
  type UpdateAssetModel,
} from '@plantwatch/shared';
import { checkEscalationPolicyReference } from '../people/people.ts';
import type { Principal } from '../platform/principal.ts';
import { requireRole } from '../platform/principal.ts';
import {
  type AssetDeps,
  type AssetStoreRepositories,
  assetOr404,
  assetPath,
  checkMeasurements,
  siteOr404,
  toAsset,
} from './assets.ts';
import type { AssetMeasurementRecord, AssetModelRecord } from './ports.ts';

const toModel = (record: AssetModelRecord): AssetModel => ({
  ...record,
  createdAt: record.createdAt.toISOString(),
  updatedAt: record.updatedAt.toISOString(),
});

const PLACEHOLDER_TAG = '00000000-0000-4000-8000-000000000000';

/** Each default rule must name a measurement of the model and be a valid rule on a tag. */
function checkModelRules(
  measurements: readonly { name: string }[],
  rules: readonly AssetModelAlarmRule[],
): void {
  const names = new Set(measurements.map((m) => m.name.toLowerCase()));
  rules.forEach((entry, index) => {
    if (!names.has(entry.measurement.toLowerCase()))
      throw new InvalidInputError(
        `alarmRules[${index}].measurement: "${entry.measurement}" is not a measurement of this model`,
        { details: { field: `alarmRules[${index}].measurement` } },
      );
    if ('tagId' in entry.rule)
      throw new InvalidInputError(
        `alarmRules[${index}].rule.tagId: a model's rule takes its tag from the measurement`,
        {
          details: { field: `alarmRules[${index}].rule.tagId` },
        },
      );
    const checked = createAlarmRuleSchema.safeParse({ ...entry.rule, tagId: PLACEHOLDER_TAG });
    if (!checked.success || checked.data.kind === 'commLoss') {
      const issue = checked.success ? undefined : checked.error.issues[0];
      const path = ['alarmRules', index, 'rule', ...(issue?.path ?? ['kind'])].join('.');
      throw new InvalidInputError(
        `${path}: ${issue?.message ?? 'a model rule watches a measurement; commLoss is not one'}`,
        { details: { field: path } },
      );
    }
  });
}

const inTenant = <T>(
  deps: Pick<AssetDeps, 'store'>,
  principal: Principal,
  work: (repos: AssetStoreRepositories) => Promise<T>,
) => deps.store.inTenant(principal.tenantId, work);

async function modelOr404(repos: AssetStoreRepositories, id: string): Promise<AssetModelRecord> {
  const model = await repos.assetModels.get(id);
  if (!model) throw new NotFoundError('asset model not found');
  return model;
}

export const listAssetModels = (deps: AssetDeps, principal: Principal) =>
  inTenant(deps, principal, async (repos) => (await repos.assetModels.list()).map(toModel));

export const getAssetModel = (deps: AssetDeps, principal: Principal, id: string) =>
  inTenant(deps, principal, async (repos) => toModel(await modelOr404(repos, id)));

export const createAssetModel = (deps: AssetDeps, principal: Principal, input: CreateAssetModel) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    checkModelRules(input.measurements, input.alarmRules);
    for (const entry of input.alarmRules) await checkEscalationPolicyReference(repos, policyOf(entry.rule));
    return toModel(await repos.assetModels.insert({ id: deps.ids.newId(), ...input }, deps.clock.now()));
  });

/**
 * Changes the model itself. Assets made from it keep their measurements and rules until the change
 * is carried to them (propagation.ts: a preview, then an apply; ADR 0043).
 */
export const updateAssetModel = (
  deps: AssetDeps,
  principal: Principal,
  id: string,
  patch: UpdateAssetModel,
) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    const model = await modelOr404(repos, id);
    const measurements = patch.measurements ?? model.measurements;
    const rules = patch.alarmRules ?? model.alarmRules;
    checkModelRules(measurements, rules);
    for (const entry of patch.alarmRules ?? [])
      await checkEscalationPolicyReference(repos, policyOf(entry.rule));
    const updated = await repos.assetModels.update(id, patch, deps.clock.now());
    if (!updated) throw new NotFoundError('asset model not found');
    return toModel(updated);
  });

export const deleteAssetModel = (deps: AssetDeps, principal: Principal, id: string) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    if (!(await repos.assetModels.remove(id))) throw new NotFoundError('asset model not found');
  });

const policyOf = (rule: Record<string, unknown>) =>
  typeof rule.escalationPolicyId === 'string' ? rule.escalationPolicyId : null;

/** `*` matches within one segment of "deviceKey/tagKey"; `{key}` is the new asset's key. */
export function tagPatternRegExp(pattern: string, key: string): RegExp {
  const filled = pattern.replaceAll('{key}', key);
  const body = filled
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${filled.includes('/') ? '' : '(?:[^/]*/)?'}${body}$`);
}

/**
 * Creates an asset from a model: measurements bound by hand (`bindings`) or by pattern, then the
 * model's alarm rules on the bound tags, named after the asset's path so an alarm says where it is.
 */
export const createAssetFromModel = (
  deps: AssetDeps,
  principal: Principal,
  modelId: string,
  input: CreateAssetFromModel,
) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    const model = await modelOr404(repos, modelId);
    await siteOr404(repos, principal, input.siteId);
    await repos.assets.lockSite(input.siteId);
    if (input.parentId !== null) {
      const parent = await assetOr404(repos, principal, input.parentId, 'parent asset');
      if (parent.siteId !== input.siteId) throw new NotFoundError('parent asset not found at this site');
    }
    const known = new Set(model.measurements.map((m) => m.name));
    for (const name of Object.keys(input.bindings)) {
      if (!known.has(name))
        throw new InvalidInputError(`bindings.${name}: not a measurement of "${model.name}"`, {
          details: { field: `bindings.${name}` },
        });
    }
    const siteTags = await repos.tags.telemetryRefs({ siteId: input.siteId, scope: principal.siteIds });
    const measurements: AssetMeasurementRecord[] = model.measurements.map((definition) => {
      const byHand = input.bindings[definition.name];
      if (byHand !== undefined) return { name: definition.name, unit: definition.unit, tagId: byHand };
      if (definition.tagPattern === '') return { name: definition.name, unit: definition.unit, tagId: null };
      const pattern = tagPatternRegExp(definition.tagPattern, input.key);
      const found = siteTags.filter((tag) => pattern.test(`${tag.deviceKey}/${tag.tagKey}`));
      if (found.length > 1)
        throw new InvalidInputError(
          `bindings.${definition.name}: the pattern "${definition.tagPattern}" finds ${found.length} tags (${found
            .slice(0, 5)
            .map((t) => `${t.deviceKey}/${t.tagKey}`)
            .join(', ')}); bind it by hand`,
          { details: { field: `bindings.${definition.name}` } },
        );
      return { name: definition.name, unit: definition.unit, tagId: found[0]?.tagId ?? null };
    });
    await checkMeasurements(repos, input.siteId, measurements, 'bindings');
    const { bindings: _bindings, key: _key, alarmRules: makeRules, ...attributes } = input;
    const asset = await repos.assets.insert(
      { id: deps.ids.newId(), assetModelId: model.id, level: model.level, ...attributes, measurements },
      deps.clock.now(),
    );
    const alarmRuleIds: string[] = [];
    if (makeRules) {
      const path = await assetPath(repos, asset);
      for (const [index, entry] of model.alarmRules.entries()) {
        const measurement = measurements.find(
          (m) => m.name.toLowerCase() === entry.measurement.toLowerCase(),
        );
        if (!measurement?.tagId)
          throw new InvalidInputError(
            `bindings.${entry.measurement}: no tag found for "${entry.measurement}", which alarm rule ${index + 1} of "${model.name}" watches; bind it by hand or send alarmRules: false`,
            { details: { field: `bindings.${entry.measurement}` } },
          );
        const name = `${path}: ${typeof entry.rule.name === 'string' ? entry.rule.name : entry.measurement}`;
        const checked = createAlarmRuleSchema.safeParse({ ...entry.rule, name, tagId: measurement.tagId });
        if (!checked.success || checked.data.kind === 'commLoss')
          throw new InvalidInputError(`alarm rule ${index + 1} of "${model.name}" is no longer valid`);
        await checkEscalationPolicyReference(repos, checked.data.escalationPolicyId);
        const ruleId = deps.ids.newId();
        await repos.alarmRules.create({
          ...checked.data,
          id: ruleId,
          siteId: asset.siteId,
          tagId: measurement.tagId,
        });
        await repos.assets.linkRule({ ruleId, assetId: asset.id, measurement: measurement.name });
        alarmRuleIds.push(ruleId);
      }
    }
    return { asset: toAsset(asset), alarmRuleIds };
  });
