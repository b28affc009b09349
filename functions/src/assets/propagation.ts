// An asset model's change carried to the assets made from it (issue 21, ADR 0043). The model is
// changed on its own (PATCH); its assets then differ from it, and this says how (preview) and makes
// them agree (apply): every asset of every site the caller can see, in one transaction, or nothing.
// Apply plans again inside its transaction under each site's tree lock (the preview is advice, not
// a promise), refuses with 409 while any conflict is unresolved, and with 409 when the model changed
// after the preview the caller names.
import {
  type AlarmRule,
  ConflictError,
  type ModelPropagation,
  type ModelPropagationRequest,
  NotFoundError,
} from '@plantwatch/shared';
import { checkEscalationPolicyReference } from '../people/people.ts';
import { canSeeSite, type Principal, requireRole } from '../platform/principal.ts';
import { type AssetDeps, type AssetStoreRepositories, assetPath } from './assets.ts';
import { type AssetPlan, planAsset } from './propagation-plan.ts';

async function plan(
  repos: AssetStoreRepositories,
  principal: Principal,
  modelId: string,
  request: ModelPropagationRequest,
  lock: boolean,
): Promise<{ plans: AssetPlan[]; view: ModelPropagation }> {
  const model = await repos.assetModels.get(modelId);
  if (!model) throw new NotFoundError('asset model not found');
  if (
    request.modelUpdatedAt !== undefined &&
    Date.parse(request.modelUpdatedAt) !== model.updatedAt.getTime()
  )
    throw new ConflictError(
      `"${model.name}" changed after the preview (now ${model.updatedAt.toISOString()}): preview it again`,
      { details: { field: 'modelUpdatedAt', modelUpdatedAt: model.updatedAt.toISOString() } },
    );
  const assets = (await repos.assetPropagation.assetsOfModel(model.id)).filter((a) =>
    canSeeSite(principal, a.siteId),
  );
  if (lock)
    for (const siteId of [...new Set(assets.map((a) => a.siteId))].sort())
      await repos.assets.lockSite(siteId);
  const known = new Set(assets.map((a) => a.id));
  const unknown = request.resolutions.findIndex((r) => !known.has(r.assetId));
  if (unknown !== -1)
    throw new NotFoundError(
      `resolutions[${unknown}].assetId: no asset made from "${model.name}" with this id`,
      {
        details: { field: `resolutions[${unknown}].assetId` },
      },
    );
  const links = await repos.assets.rulesOf(assets.map((a) => a.id));
  const rules = new Map<string, AlarmRule>();
  for (const link of links) {
    const rule = await repos.alarmRules.get(link.ruleId);
    if (rule) rules.set(rule.id, rule);
  }
  const plans: AssetPlan[] = [];
  for (const asset of assets) {
    plans.push(
      planAsset({
        model,
        asset,
        path: await assetPath(repos, asset),
        links: links.filter((l) => l.assetId === asset.id),
        rules,
        resolutions: request.resolutions.filter((r) => r.assetId === asset.id),
      }),
    );
  }
  const views = plans.map((p) => p.view);
  return {
    plans,
    view: {
      assetModelId: model.id,
      modelUpdatedAt: model.updatedAt.toISOString(),
      applied: false,
      assets: views,
      changes: views.reduce((sum, v) => sum + v.changes, 0),
      conflicts: views.reduce((sum, v) => sum + v.conflicts.length, 0),
    },
  };
}

/** What carrying the model to its assets would change, asset by asset, with the conflicts; changes nothing. */
export const previewModelPropagation = (
  deps: AssetDeps,
  principal: Principal,
  modelId: string,
  request: ModelPropagationRequest,
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    requireRole(principal, 'engineer');
    return (await plan(repos, principal, modelId, request, false)).view;
  });

/** Carries the model to every asset made from it, all or nothing; 409 naming every unresolved conflict. */
export const applyModelPropagation = (
  deps: AssetDeps,
  principal: Principal,
  modelId: string,
  request: ModelPropagationRequest,
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    requireRole(principal, 'engineer');
    const { plans, view } = await plan(repos, principal, modelId, request, true);
    const conflicts = view.assets.flatMap((a) =>
      a.conflicts.map((c) => ({ assetId: a.assetId, path: a.path, ...c })),
    );
    if (conflicts.length > 0)
      throw new ConflictError(
        `nothing changed: ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''} to resolve first: ${conflicts
          .slice(0, 5)
          .map((c) => `${c.path}: "${c.measurement}"`)
          .join(', ')}${conflicts.length > 5 ? ', …' : ''}`,
        { details: { conflicts } },
      );
    const now = deps.clock.now();
    for (const step of plans) {
      const { assetId, siteId } = step.view;
      if (step.measurements) await repos.assets.update(assetId, { measurements: step.measurements }, now);
      for (const ruleId of step.remove) await repos.alarmRules.remove(ruleId);
      for (const { ruleId, measurement } of step.relink)
        await repos.assetPropagation.relinkRule(ruleId, measurement);
      for (const { rule, with: settings } of step.replace) {
        await checkEscalationPolicyReference(repos, settings.escalationPolicyId);
        await repos.alarmRules.replace({
          ...settings,
          id: rule.id,
          siteId: rule.siteId,
          tagId: settings.tagId,
        });
      }
      for (const { measurement, rule } of step.create) {
        await checkEscalationPolicyReference(repos, rule.escalationPolicyId);
        const ruleId = deps.ids.newId();
        await repos.alarmRules.create({ ...rule, id: ruleId, siteId });
        await repos.assets.linkRule({ ruleId, assetId, measurement });
      }
    }
    return { ...view, applied: true };
  });
