// The assets' PostgreSQL repositories beyond the basic ones: the assets made from a model and the
// rule links a propagation renames (ADR 0043), and an asset subtree with each asset's path, which
// the telemetry export and the reports read (the port is theirs).
import { and, eq } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { AssetSubtreeRepositories, SubtreeAsset } from '../../../telemetry/ports.ts';
import type { AssetPropagationRepositories, AssetRecord } from '../../ports.ts';
import { assetRepositories } from './asset-repos.ts';
import { assetAlarmRules, assets } from './schema.ts';

export function assetPropagationRepositories(
  tx: ConfigDb,
  tenantId: string,
): AssetPropagationRepositories & AssetSubtreeRepositories {
  const basic = assetRepositories(tx, tenantId).assets;
  return {
    assetPropagation: {
      async assetsOfModel(modelId) {
        const rows = await tx
          .selectDistinct({ siteId: assets.siteId })
          .from(assets)
          .where(and(eq(assets.tenantId, tenantId), eq(assets.assetModelId, modelId)));
        const found: AssetRecord[] = [];
        for (const { siteId } of rows)
          found.push(...(await basic.listForSite(siteId)).filter((a) => a.assetModelId === modelId));
        return found.sort((a, b) => a.siteId.localeCompare(b.siteId) || a.id.localeCompare(b.id));
      },
      async relinkRule(ruleId, measurement) {
        await tx
          .update(assetAlarmRules)
          .set({ measurement })
          .where(and(eq(assetAlarmRules.tenantId, tenantId), eq(assetAlarmRules.ruleId, ruleId)));
      },
    },
    assetSubtrees: {
      async of(assetId) {
        const root = await basic.get(assetId);
        if (!root) return null;
        const all = await basic.listForSite(root.siteId);
        const childrenOf = new Map<string | null, AssetRecord[]>();
        for (const asset of all)
          childrenOf.set(asset.parentId, [...(childrenOf.get(asset.parentId) ?? []), asset]);
        const byId = new Map(all.map((a) => [a.id, a]));
        const names = [root.name];
        for (let p = root.parentId, hops = 0; p !== null && hops < 100; hops++) {
          const parent = byId.get(p);
          if (!parent) break;
          names.unshift(parent.name);
          p = parent.parentId;
        }
        const out: SubtreeAsset[] = [];
        const walk = (asset: AssetRecord, path: string) => {
          out.push({ id: asset.id, path, measurements: asset.measurements });
          for (const child of childrenOf.get(asset.id) ?? []) walk(child, `${path} / ${child.name}`);
        };
        walk(root, names.join(' / '));
        return { siteId: root.siteId, assets: out };
      },
    },
  };
}
