// A report's asset scope (issue 21): each named asset and everything under it, one group per asset
// with its path as the heading and its bound measurements as the rows, in tree order. An asset on a
// site the report's owner can no longer see, or since deleted, contributes nothing (a delete of an
// asset a report names is refused, so that is only a site taken from the owner).
import type { TagTelemetryRef } from '../plant/ports.ts';
import type { SiteScope } from '../platform/database/tenant-store.ts';
import type { ReportStoreRepositories, StoredReport } from './ports.ts';
import { refsOfIds } from './tags-in-scope.ts';

export interface ReportAssetGroup {
  id: string;
  path: string;
  siteId: string;
  measurements: { name: string; unit: string; ref: TagTelemetryRef }[];
}

export async function assetGroupsInScope(
  repos: ReportStoreRepositories,
  report: StoredReport,
  scope: SiteScope,
): Promise<ReportAssetGroup[]> {
  const groups: ReportAssetGroup[] = [];
  const seen = new Set<string>();
  for (const assetId of report.scope.assetIds ?? []) {
    const subtree = await repos.assetSubtrees.of(assetId);
    if (!subtree || (scope !== null && !scope.includes(subtree.siteId))) continue;
    const tagIds = [
      ...new Set(subtree.assets.flatMap((a) => a.measurements.flatMap((m) => (m.tagId ? [m.tagId] : [])))),
    ];
    // a measurement bound to a derived tag (ADR 0044) reads it as a tag
    const refs = await refsOfIds(repos, tagIds, scope ?? null);
    const refOf = new Map(refs.map((ref) => [ref.tagId, ref]));
    for (const asset of subtree.assets) {
      // two named assets, one under the other: each asset once
      if (seen.has(asset.id)) continue;
      seen.add(asset.id);
      const measurements = asset.measurements.flatMap((m) => {
        const ref = m.tagId ? refOf.get(m.tagId) : undefined;
        return ref ? [{ name: m.name, unit: m.unit, ref }] : [];
      });
      if (measurements.length > 0)
        groups.push({ id: asset.id, path: asset.path, siteId: subtree.siteId, measurements });
    }
  }
  return groups;
}
