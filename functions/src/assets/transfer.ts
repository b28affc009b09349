// A site's asset hierarchy as one JSON document, exported and imported (issue 21), so a plant can be
// built elsewhere (a spreadsheet turned JSON, another site with the same plant). Tags are named by
// "gateway name/device key/tag key" and models by name, so the document carries no ids and fits any
// site whose gateways, devices and tags have those names. Import is one transaction: any unknown tag
// or model, clash or asset in use changes nothing.
import {
  type AssetExportNode,
  type AssetHierarchy,
  ConflictError,
  DERIVED_DEVICE_KEY,
  InvalidInputError,
} from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import { requireRole } from '../platform/principal.ts';
import { type AssetDeps, type AssetStoreRepositories, siteOr404 } from './assets.ts';
import type { AssetRecord } from './ports.ts';

/** Where a gateway's name would stand in a derived tag's portable name. */
const DERIVED_SITE_PART = '$site';

export async function tagNames(repos: AssetStoreRepositories, principal: Principal, siteId: string) {
  const gateways = new Map(
    (await repos.gateways.list({ siteId, scope: principal.siteIds })).map((g) => [g.id, g.name]),
  );
  const refs = await repos.tags.telemetryRefs({ siteId, scope: principal.siteIds });
  // A derived tag (ADR 0044) belongs to the site, not to a gateway: "$site/$derived/<key>".
  const derived = (await repos.derivedTags?.list({ siteId, scope: principal.siteIds })) ?? [];
  return [
    ...refs.map((ref) => ({
      tagId: ref.tagId,
      name: `${gateways.get(ref.gatewayId) ?? ref.gatewayId}/${ref.deviceKey}/${ref.tagKey}`,
    })),
    ...derived.map((tag) => ({
      tagId: tag.id,
      name: `${DERIVED_SITE_PART}/${DERIVED_DEVICE_KEY}/${tag.key}`,
    })),
  ];
}

export const exportAssets = (deps: AssetDeps, principal: Principal, siteId: string) =>
  deps.store.inTenant(principal.tenantId, async (repos): Promise<AssetHierarchy> => {
    const site = await siteOr404(repos, principal, siteId);
    const records = await repos.assets.listForSite(siteId);
    const tagName = new Map((await tagNames(repos, principal, siteId)).map((t) => [t.tagId, t.name]));
    const modelName = new Map((await repos.assetModels.list()).map((m) => [m.id, m.name]));
    const childrenOf = new Map<string | null, AssetRecord[]>();
    for (const record of records)
      childrenOf.set(record.parentId, [...(childrenOf.get(record.parentId) ?? []), record]);
    const node = (record: AssetRecord): AssetExportNode => ({
      name: record.name,
      level: record.level,
      assetModel: record.assetModelId ? (modelName.get(record.assetModelId) ?? null) : null,
      make: record.make,
      model: record.model,
      serial: record.serial,
      installDate: record.installDate,
      documents: record.documents,
      measurements: record.measurements.map((m) => ({
        name: m.name,
        unit: m.unit,
        tag: m.tagId ? (tagName.get(m.tagId) ?? null) : null,
      })),
      children: (childrenOf.get(record.id) ?? []).map(node),
    });
    return { format: 'plantwatch-assets/1', site: site.name, assets: (childrenOf.get(null) ?? []).map(node) };
  });

export const importAssets = (
  deps: AssetDeps,
  principal: Principal,
  siteId: string,
  document: AssetHierarchy,
  mode: 'add' | 'replace',
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    requireRole(principal, 'engineer');
    await siteOr404(repos, principal, siteId);
    await repos.assets.lockSite(siteId);
    const tagId = new Map((await tagNames(repos, principal, siteId)).map((t) => [t.name, t.tagId]));
    const modelId = new Map((await repos.assetModels.list()).map((m) => [m.name, m.id]));
    let deleted = 0;
    if (mode === 'replace') {
      const existing = await repos.assets.listForSite(siteId);
      const rules = await repos.assets.rulesOf(existing.map((a) => a.id));
      if (rules.length > 0)
        throw new ConflictError(
          `the site's assets cannot be replaced: alarm rules ${rules.map((r) => `"${r.ruleName}"`).join(', ')} use them; delete them first`,
          {
            details: {
              alarmRules: rules.map((r) => ({ id: r.ruleId, name: r.ruleName, assetId: r.assetId })),
            },
          },
        );
      const reports = await repos.assetUsage.reportsUsing(existing.map((a) => a.id));
      if (reports.length > 0)
        throw new ConflictError(
          `the site's assets cannot be replaced: reports ${reports.map((r) => `"${r.name}"`).join(', ')} cover them; change their scope first`,
          { details: { reports } },
        );
      for (const root of existing.filter((a) => a.parentId === null))
        deleted += await repos.assets.removeSubtree(root.id);
    }
    const now = deps.clock.now();
    const unboundMeasurements: string[] = [];
    let created = 0;
    const create = async (node: AssetExportNode, parentId: string | null, path: string, names: string) => {
      const measurements = node.measurements.map((m, index) => {
        if (m.tag === null) {
          unboundMeasurements.push(`${names}: ${m.name}`);
          return { name: m.name, unit: m.unit, tagId: null };
        }
        const found = tagId.get(m.tag);
        if (!found)
          throw new InvalidInputError(`${path}.measurements[${index}].tag: no tag "${m.tag}" at this site`, {
            details: { field: `${path}.measurements[${index}].tag` },
          });
        return { name: m.name, unit: m.unit, tagId: found };
      });
      let assetModelId: string | null = null;
      if (node.assetModel !== null) {
        assetModelId = modelId.get(node.assetModel) ?? null;
        if (!assetModelId)
          throw new InvalidInputError(`${path}.assetModel: no asset model "${node.assetModel}"`, {
            details: { field: `${path}.assetModel` },
          });
      }
      const { children, assetModel: _model, ...attributes } = node;
      const asset = await repos.assets.insert(
        { ...attributes, id: deps.ids.newId(), siteId, parentId, assetModelId, measurements },
        now,
      );
      created += 1;
      for (const [index, child] of children.entries())
        await create(child, asset.id, `${path}.children[${index}]`, `${names} / ${child.name}`);
    };
    for (const [index, root] of document.assets.entries())
      await create(root, null, `assets[${index}]`, root.name);
    return { created, deleted, unboundMeasurements };
  });
