// People and paging by area (ADR 0042), the pure part: where an alarm sits in the hierarchy, which
// area policy pages for it, and whether a user limited to some areas may see (and be paged for) it.
import type { AlarmAreas, AreaNode } from './area-ports.ts';

/** The asset's path, from the top of its site ("Inlet works / Pumping / Pump 1"). */
export function pathOf(nodes: ReadonlyMap<string, AreaNode>, assetId: string): string {
  const names: string[] = [];
  for (let id: string | null = assetId, hops = 0; id !== null && hops < 100; hops++) {
    const node = nodes.get(id);
    if (!node) break;
    names.unshift(node.name);
    id = node.parentId;
  }
  return names.join(' / ');
}

/** Each direct asset's chain upwards, nearest first, with the paths (sorted, so the answer is stable). */
function chains(areas: AlarmAreas): { path: string; chain: AreaNode[] }[] {
  const nodes = new Map(areas.nodes.map((node) => [node.id, node]));
  return [...new Set(areas.direct)]
    .map((id) => {
      const chain: AreaNode[] = [];
      for (let at: string | null = id, hops = 0; at !== null && hops < 100; hops++) {
        const node = nodes.get(at);
        if (!node) break;
        chain.push(node);
        at = node.parentId;
      }
      return { path: pathOf(nodes, id), chain };
    })
    .filter((entry) => entry.chain.length > 0)
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Every asset the alarm is in: its own assets and everything above them. */
export function alarmAssetIds(areas: AlarmAreas): Set<string> {
  return new Set(chains(areas).flatMap((entry) => entry.chain.map((node) => node.id)));
}

/** The path the alarm's messages name: its asset's (the first by path when two assets read its tag). */
export function alarmAssetPath(areas: AlarmAreas): string | null {
  return chains(areas)[0]?.path ?? null;
}

/**
 * The area policy that pages for the alarm: the nearest asset above it (itself included) with a policy
 * attached; between two assets reading the same tag, the fewer hops up, then the first by path.
 */
export function areaPolicyOf(areas: AlarmAreas): { escalationPolicyId: string; assetId: string } | null {
  let best: { escalationPolicyId: string; assetId: string; hops: number } | null = null;
  for (const { chain } of chains(areas)) {
    const hops = chain.findIndex((node) => node.escalationPolicyId !== null);
    const node = chain[hops];
    if (hops < 0 || !node?.escalationPolicyId) continue;
    if (best === null || hops < best.hops)
      best = { escalationPolicyId: node.escalationPolicyId, assetId: node.id, hops };
  }
  return best && { escalationPolicyId: best.escalationPolicyId, assetId: best.assetId };
}

/** What a user is limited to: the sites seen whole (null: every site) and the areas seen. */
export interface UserAreaScope {
  siteIds: readonly string[] | null;
  assetIds: readonly string[];
}

/**
 * Whether the user sees an alarm of `siteId` that sits in `inAssets` (alarmAssetIds): a site seen
 * whole, or one of the user's areas above the alarm. A user with no areas sees by site alone.
 */
export function seesAlarm(scope: UserAreaScope, siteId: string, inAssets: ReadonlySet<string>): boolean {
  if (scope.siteIds === null || scope.siteIds.includes(siteId)) return true;
  return scope.assetIds.some((assetId) => inAssets.has(assetId));
}
