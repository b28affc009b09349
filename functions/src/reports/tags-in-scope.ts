// The tags a report reads, tags and derived tags alike (ADR 0053): a derived tag is named by id in
// `scope.tagIds` or an asset's measurement as a tag is, and a whole site's scope includes them. Their
// telemetry names are the site's (`$derived`, ADR 0039); the report groups them under their site.
import { DERIVED_DEVICE_KEY } from '@plantwatch/shared';
import type { DerivedTagRepositories } from '../derived-tags/ports.ts';
import type { PlantRepositories, TagTelemetryRef } from '../plant/ports.ts';
import type { SiteScope } from '../platform/database/tenant-store.ts';
import { derivedRef } from '../telemetry/telemetry.ts';
import type { StoredReport } from './ports.ts';

type Repos = Pick<PlantRepositories, 'tags'> & DerivedTagRepositories;

/** The heading of a site's derived tags in every format (a device's name stands there for tags). */
export const DERIVED_GROUP_NAME = 'Derived tags';

export const isDerivedRef = (ref: TagTelemetryRef) => ref.deviceKey === DERIVED_DEVICE_KEY;

/** Tags and derived tags by id, within `scope`; an id that is neither (or not visible) is left out. */
export async function refsOfIds(
  repos: Repos,
  tagIds: readonly string[],
  scope: SiteScope,
): Promise<TagTelemetryRef[]> {
  if (tagIds.length === 0) return [];
  const refs = await repos.tags.telemetryRefs({ tagIds, scope });
  const found = new Set(refs.map((ref) => ref.tagId));
  for (const id of tagIds) {
    if (found.has(id)) continue;
    const derived = await repos.derivedTags.get(id);
    if (derived && (scope === null || scope.includes(derived.siteId))) {
      refs.push(derivedRef(derived));
      found.add(id);
    }
  }
  return refs;
}

/** The owner's sites narrowed further by what the report itself names. */
export async function tagsInScope(
  repos: Repos,
  report: StoredReport,
  scope: SiteScope,
): Promise<TagTelemetryRef[]> {
  const found = new Map<string, TagTelemetryRef>();
  const add = (refs: TagTelemetryRef[]) => {
    for (const ref of refs) found.set(ref.tagId, ref);
  };
  for (const siteId of report.scope.siteIds) {
    add(await repos.tags.telemetryRefs({ siteId, scope }));
    add((await repos.derivedTags.list({ siteId, scope })).map(derivedRef));
  }
  for (const deviceId of report.scope.deviceIds) add(await repos.tags.telemetryRefs({ deviceId, scope }));
  add(await refsOfIds(repos, report.scope.tagIds, scope));
  return [...found.values()];
}
