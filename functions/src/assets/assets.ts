// The asset hierarchy's use-cases (issue 21): assets in a tree under a site, any depth, each with its
// attributes and measurements bound to tags of the same site; moving (never under itself), deleting a
// subtree (refused while alarm rules were made for it), and the tree with alarm counts per node.
// Every lookup is tenant-scoped by the store and site-scoped here: an asset, site or tag outside
// either is "not found".
import {
  type Alarm,
  type AlarmSeverity,
  type Asset,
  type AssetTree,
  type AssetTreeNode,
  alarmSeverities,
  ConflictError,
  type CreateAsset,
  InvalidInputError,
  type MoveAsset,
  NotFoundError,
  type SeverityCounts,
  type UpdateAsset,
} from '@plantwatch/shared';
import type { AlarmDeps, AlarmStoreRepositories } from '../alarms/alarms.ts';
import * as alarms from '../alarms/alarms.ts';
import type { AssetScopeRepositories } from '../alarms/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { canSeeSite, type Principal, requireRole } from '../platform/principal.ts';
import { seesAsset, treeRoots } from './area-visibility.ts';
import type {
  AssetMeasurementRecord,
  AssetPropagationRepositories,
  AssetRecord,
  AssetRepositories,
  AssetUsageRepositories,
} from './ports.ts';

/** What the asset use-cases reach: their tables, the sites and tags they hang from, the alarm rules made for them. */
export type AssetStoreRepositories = AssetRepositories &
  AssetPropagationRepositories &
  AssetUsageRepositories &
  AssetScopeRepositories &
  Pick<PlantRepositories, 'sites' | 'gateways' | 'tags'> &
  AlarmStoreRepositories;

export interface AssetDeps {
  store: TenantStore<AssetStoreRepositories>;
  ids: IdGenerator;
  clock: Clock;
}

export const toAsset = (record: AssetRecord): Asset => ({
  ...record,
  createdAt: record.createdAt.toISOString(),
  updatedAt: record.updatedAt.toISOString(),
});

export async function siteOr404(repos: AssetStoreRepositories, principal: Principal, siteId: string) {
  const site = await repos.sites.get(siteId);
  if (!site || !canSeeSite(principal, site.id)) throw new NotFoundError('site not found');
  return site;
}

export async function assetOr404(
  repos: AssetStoreRepositories,
  principal: Principal,
  assetId: string,
  what = 'asset',
): Promise<AssetRecord> {
  const asset = await repos.assets.get(assetId);
  if (!asset || !canSeeSite(principal, asset.siteId) || !(await seesAsset(repos, principal, asset)))
    throw new NotFoundError(`${what} not found`);
  return asset;
}

/** A parent must be an asset of the same site; null is the site itself. */
async function checkParent(
  repos: AssetStoreRepositories,
  principal: Principal,
  siteId: string,
  parentId: string | null,
): Promise<void> {
  if (parentId === null) return;
  const parent = await assetOr404(repos, principal, parentId, 'parent asset');
  if (parent.siteId !== siteId) throw new NotFoundError('parent asset not found at this site');
}

/**
 * Every bound tag must be a tag or a derived tag (ADR 0044) of the asset's site: another site's or
 * tenant's is "not found" (the tenant's own other sites are not revealed either), naming the measurement.
 */
export async function checkMeasurements(
  repos: AssetStoreRepositories,
  siteId: string,
  measurements: readonly AssetMeasurementRecord[],
  field = 'measurements',
): Promise<void> {
  for (const [index, measurement] of measurements.entries()) {
    if (measurement.tagId === null) continue;
    const tag =
      (await repos.tags.get(measurement.tagId)) ?? (await repos.derivedTags?.get(measurement.tagId));
    if (!tag || tag.siteId !== siteId)
      throw new NotFoundError(`${field}[${index}].tagId: tag not found at this site`, {
        details: { field: `${field}[${index}].tagId` },
      });
  }
}

const inTenant = <T>(
  deps: Pick<AssetDeps, 'store'>,
  principal: Principal,
  work: (repos: AssetStoreRepositories) => Promise<T>,
) => deps.store.inTenant(principal.tenantId, work);

export const listAssets = (deps: AssetDeps, principal: Principal, siteId: string) =>
  inTenant(deps, principal, async (repos) => {
    await siteOr404(repos, principal, siteId);
    const records = await repos.assets.listForSite(siteId);
    const seen = [];
    for (const record of records) if (await seesAsset(repos, principal, record)) seen.push(record);
    return seen.map(toAsset);
  });

export const getAsset = (deps: AssetDeps, principal: Principal, assetId: string) =>
  inTenant(deps, principal, async (repos) => toAsset(await assetOr404(repos, principal, assetId)));

export const createAsset = (deps: AssetDeps, principal: Principal, input: CreateAsset) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    await siteOr404(repos, principal, input.siteId);
    await repos.assets.lockSite(input.siteId);
    await checkParent(repos, principal, input.siteId, input.parentId);
    await checkMeasurements(repos, input.siteId, input.measurements);
    return toAsset(
      await repos.assets.insert({ id: deps.ids.newId(), assetModelId: null, ...input }, deps.clock.now()),
    );
  });

export const updateAsset = (deps: AssetDeps, principal: Principal, assetId: string, patch: UpdateAsset) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    const asset = await assetOr404(repos, principal, assetId);
    if (patch.measurements) {
      await checkMeasurements(repos, asset.siteId, patch.measurements);
      // a rule made for a measurement reads its tag: dropping the measurement would orphan the rule
      const names = new Set(patch.measurements.map((m) => m.name.toLowerCase()));
      const orphaned = (await repos.assets.rulesOf([asset.id])).filter(
        (link) => !names.has(link.measurement.toLowerCase()),
      );
      if (orphaned.length > 0)
        throw new ConflictError(
          `measurement ${orphaned.map((l) => `"${l.measurement}"`).join(', ')} is used by alarm rule ${orphaned
            .map((l) => `"${l.ruleName}"`)
            .join(', ')}: delete the rule first`,
          { details: { alarmRuleIds: orphaned.map((l) => l.ruleId) } },
        );
    }
    const updated = await repos.assets.update(asset.id, patch, deps.clock.now());
    if (!updated) throw new NotFoundError('asset not found');
    return toAsset(updated);
  });

/** Moves an asset (with everything under it) under another asset of its site, or to the top. */
export const moveAsset = (deps: AssetDeps, principal: Principal, assetId: string, move: MoveAsset) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    const asset = await assetOr404(repos, principal, assetId);
    await repos.assets.lockSite(asset.siteId);
    await checkParent(repos, principal, asset.siteId, move.parentId);
    if (move.parentId !== null && (await repos.assets.subtreeIds(asset.id)).includes(move.parentId)) {
      throw new InvalidInputError(
        move.parentId === asset.id
          ? `parentId: "${asset.name}" cannot be its own parent`
          : `parentId: the new parent is under "${asset.name}": an asset cannot be its own ancestor`,
        { details: { field: 'parentId' } },
      );
    }
    await repos.assets.setParent(asset.id, move.parentId, deps.clock.now());
    return toAsset(await assetOr404(repos, principal, asset.id));
  });

/**
 * Deletes an asset and everything under it, in one transaction; refused (409, naming them) while any
 * of them has alarm rules made for it, so no rule is left watching a measurement that is gone, or
 * while a report's scope names any of them (ADR 0043).
 */
export const deleteAsset = (deps: AssetDeps, principal: Principal, assetId: string) =>
  inTenant(deps, principal, async (repos) => {
    requireRole(principal, 'engineer');
    const asset = await assetOr404(repos, principal, assetId);
    await repos.assets.lockSite(asset.siteId);
    const ids = await repos.assets.subtreeIds(asset.id);
    const rules = await repos.assets.rulesOf(ids);
    if (rules.length > 0) {
      throw new ConflictError(
        `"${asset.name}" cannot be deleted: alarm rule${rules.length > 1 ? 's' : ''} ${rules
          .map((r) => `"${r.ruleName}"`)
          .join(
            ', ',
          )} use${rules.length > 1 ? '' : 's'} it; delete ${rules.length > 1 ? 'them' : 'it'} first`,
        {
          details: { alarmRules: rules.map((r) => ({ id: r.ruleId, name: r.ruleName, assetId: r.assetId })) },
        },
      );
    }
    const reports = await repos.assetUsage.reportsUsing(ids);
    if (reports.length > 0)
      throw new ConflictError(
        `"${asset.name}" cannot be deleted: report${reports.length > 1 ? 's' : ''} ${reports
          .map((r) => `"${r.name}"`)
          .join(', ')} cover${reports.length > 1 ? '' : 's'} it; change their scope first`,
        { details: { reports } },
      );
    return { deleted: await repos.assets.removeSubtree(asset.id) };
  });

// --- the tree ---

const noAlarms = (): SeverityCounts => ({ critical: 0, high: 0, medium: 0, low: 0 });

/** An alarm an annunciator would count: not back to normal, in service, not shelved. */
const counts = (alarm: Alarm) => alarm.state !== 'normal' && !alarm.shelved && !alarm.outOfService;

/**
 * The site's assets as a tree, each node with the active alarms of its own measurements' tags and
 * rules, and the same rolled up over everything under it. An alarm on a tag two assets read counts
 * once on each, and once in a common ancestor's roll-up.
 */
export async function getAssetTree(
  deps: AssetDeps & Pick<AlarmDeps, 'clock'>,
  principal: Principal,
  siteId: string,
): Promise<AssetTree> {
  const { records, rulesByAsset } = await inTenant(deps, principal, async (repos) => {
    await siteOr404(repos, principal, siteId);
    const records = await repos.assets.listForSite(siteId);
    const links = await repos.assets.rulesOf(records.map((r) => r.id));
    const rulesByAsset = new Map<string, Set<string>>();
    for (const link of links) {
      const set = rulesByAsset.get(link.assetId) ?? new Set<string>();
      set.add(link.ruleId);
      rulesByAsset.set(link.assetId, set);
    }
    return { records, rulesByAsset };
  });
  const active = (await alarms.listAlarms(deps, principal, { siteId, status: 'active', limit: 1000 })).filter(
    counts,
  );
  const byTag = new Map<string, Alarm[]>();
  const byRule = new Map<string, Alarm[]>();
  for (const alarm of active) {
    if (alarm.tagId) byTag.set(alarm.tagId, [...(byTag.get(alarm.tagId) ?? []), alarm]);
    byRule.set(alarm.ruleId, [...(byRule.get(alarm.ruleId) ?? []), alarm]);
  }
  const childrenOf = new Map<string | null, AssetRecord[]>();
  for (const record of records) {
    childrenOf.set(record.parentId, [...(childrenOf.get(record.parentId) ?? []), record]);
  }
  // returns the node and the set of alarm ids under it (so a shared alarm counts once per roll-up)
  const build = (record: AssetRecord): { node: AssetTreeNode; under: Map<string, AlarmSeverity> } => {
    const own = new Map<string, AlarmSeverity>();
    for (const measurement of record.measurements) {
      for (const alarm of measurement.tagId ? (byTag.get(measurement.tagId) ?? []) : [])
        own.set(alarm.id, alarm.severity);
    }
    for (const ruleId of rulesByAsset.get(record.id) ?? []) {
      for (const alarm of byRule.get(ruleId) ?? []) own.set(alarm.id, alarm.severity);
    }
    const under = new Map(own);
    const children = (childrenOf.get(record.id) ?? []).map((child) => {
      const built = build(child);
      for (const [id, severity] of built.under) under.set(id, severity);
      return built.node;
    });
    const tally = (alarmsById: Map<string, AlarmSeverity>) => {
      const result = noAlarms();
      for (const severity of alarmsById.values()) result[severity] += 1;
      return result;
    };
    return {
      node: {
        id: record.id,
        name: record.name,
        level: record.level,
        assetModelId: record.assetModelId,
        measurementCount: record.measurements.length,
        alarms: tally(own),
        alarmsRolledUp: tally(under),
        children,
      },
      under,
    };
  };
  return {
    siteId,
    assets: treeRoots(principal, siteId, records).map((root) => build(root).node),
    alarmSeverities: [...alarmSeverities],
  };
}

/** "Inlet works / Pumping / Pump 1": the names from the top of the site down to the asset. */
export async function assetPath(repos: AssetStoreRepositories, asset: AssetRecord): Promise<string> {
  const names = [asset.name];
  for (let parentId = asset.parentId, hops = 0; parentId !== null && hops < 100; hops++) {
    const parent = await repos.assets.get(parentId);
    if (!parent) break;
    names.unshift(parent.name);
    parentId = parent.parentId;
  }
  return names.join(' / ');
}
