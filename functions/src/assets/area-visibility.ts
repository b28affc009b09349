// What a user limited to areas (ADR 0042) sees of the hierarchy: the assets in their areas (each area
// with everything under it), and all of a site they see whole.
import type { Principal } from '../platform/principal.ts';
import type { AssetRecord, AssetRepositories } from './ports.ts';

/** Whether the caller sees the asset: its site whole, or one of their areas is the asset or above it. */
export async function seesAsset(
  repos: Pick<AssetRepositories, 'assets'>,
  principal: Principal,
  asset: Pick<AssetRecord, 'id' | 'siteId' | 'parentId'>,
): Promise<boolean> {
  const areas = principal.areas;
  if (!areas || areas.wholeSiteIds.includes(asset.siteId)) return true;
  const mine = new Set(areas.assetIds);
  let at: Pick<AssetRecord, 'id' | 'parentId'> | null = asset;
  for (let hops = 0; at !== null && hops < 100; hops++) {
    if (mine.has(at.id)) return true;
    at = at.parentId === null ? null : await repos.assets.get(at.parentId);
  }
  return false;
}

/**
 * The tops of a site's tree for the caller: the site's top-level assets, or (for a user who sees only
 * some areas of the site) the areas themselves, so a node the caller cannot open is never listed.
 */
export function treeRoots(
  principal: Principal,
  siteId: string,
  records: readonly AssetRecord[],
): AssetRecord[] {
  const areas = principal.areas;
  if (!areas || areas.wholeSiteIds.includes(siteId)) return records.filter((r) => r.parentId === null);
  const mine = new Set(areas.assetIds);
  const byId = new Map(records.map((record) => [record.id, record]));
  // an area under another of the user's areas is already in that one's subtree
  const coveredAbove = (record: AssetRecord) => {
    for (let id = record.parentId, hops = 0; id !== null && hops < 100; hops++) {
      if (mine.has(id)) return true;
      id = byId.get(id)?.parentId ?? null;
    }
    return false;
  };
  return records.filter((record) => mine.has(record.id) && !coveredAbove(record));
}
