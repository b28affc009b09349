// What a user limited to areas (ADR 0042) reads of telemetry: on a site seen whole, every tag; on a
// site seen through areas, only the tags (and derived tags) that measurements under those areas read.
// Anything else is "not found", as every out-of-scope object is.
import type { Principal } from '../platform/principal.ts';
import type { AssetSubtreeRepositories } from './ports.ts';

export interface TelemetryAreaScope {
  /** Whether the caller may read the tag's values. */
  tag(ref: { tagId: string; siteId: string }): boolean;
  /** Whether the asset (by id, on its site) is in the caller's sight, for an export by asset. */
  asset(assetId: string, siteId: string): boolean;
}

const unlimited: TelemetryAreaScope = { tag: () => true, asset: () => true };

/** The caller's area limit on telemetry; no limit for a caller without areas. */
export async function telemetryAreaScope(
  repos: Partial<AssetSubtreeRepositories>,
  principal: Principal,
): Promise<TelemetryAreaScope> {
  const areas = principal.areas;
  if (!areas) return unlimited;
  // fail closed: without the hierarchy an area-limited caller would otherwise read whole sites
  if (!repos.assetSubtrees) throw new Error('composition gave no asset subtrees for an area-limited caller');
  const tagIds = new Set<string>();
  const assetIds = new Set<string>();
  for (const areaId of areas.assetIds) {
    const subtree = await repos.assetSubtrees.of(areaId);
    for (const asset of subtree?.assets ?? []) {
      assetIds.add(asset.id);
      for (const measurement of asset.measurements) if (measurement.tagId) tagIds.add(measurement.tagId);
    }
  }
  const whole = new Set(areas.wholeSiteIds);
  return {
    tag: (ref) => whole.has(ref.siteId) || tagIds.has(ref.tagId),
    asset: (assetId, siteId) => whole.has(siteId) || assetIds.has(assetId),
  };
}
