// Reading telemetry: latest values, chart series, CSV export, and ingest's dead letters. Tags are
// named by id in the API; the plant model turns them into telemetry names (gateway, device key, tag
// key) within the caller's tenant and sites, so a tag the caller may not see is simply not found.
import {
  DERIVED_DEVICE_KEY,
  type DeadLetterList,
  type DeadLetterQuery,
  type DerivedTag,
  NotFoundError,
  type TelemetryValue,
} from '@plantwatch/shared';
import type { DerivedTagRepositories } from '../derived-tags/ports.ts';
import type { DeadLetterRepositories } from '../ingest/ports.ts';
import type { PlantRepositories, TagTelemetryRef } from '../plant/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import { telemetryAreaScope } from './area-scope.ts';
import type {
  AssetSubtreeRepositories,
  SeriesAggregate,
  SeriesBucket,
  TelemetrySample,
  TelemetryStore,
} from './ports.ts';

/** The ports the telemetry queries run on. */
export interface TelemetryDeps {
  store: TenantStore<
    PlantRepositories &
      DeadLetterRepositories &
      Partial<DerivedTagRepositories> &
      /** The export's assetId reads the hierarchy; compositions without it cannot take assetId. */
      Partial<AssetSubtreeRepositories>
  >;
  telemetry: TelemetryStore;
}

/** More tags than a person can read or a chart can draw. */
export const MAX_TAGS_PER_REQUEST = 1000;

export interface TagSelection {
  siteId?: string;
  gatewayId?: string;
  deviceId?: string;
  tagIds?: readonly string[];
}

async function resolveTags(
  deps: TelemetryDeps,
  principal: Principal,
  selection: TagSelection,
): Promise<TagTelemetryRef[]> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    // A named parent must exist and be visible: another tenant's site is "not found", not "empty".
    if (selection.siteId) {
      const site = await repos.sites.get(selection.siteId);
      if (!site || !canSeeSite(principal, site.id)) throw new NotFoundError('site not found');
    }
    if (selection.gatewayId) {
      const gateway = await repos.gateways.get(selection.gatewayId);
      if (!gateway || !canSeeSite(principal, gateway.siteId)) throw new NotFoundError('gateway not found');
    }
    if (selection.deviceId) {
      const device = await repos.devices.get(selection.deviceId);
      if (!device || !canSeeSite(principal, device.siteId)) throw new NotFoundError('device not found');
    }
    // a user limited to areas reads only the tags bound under them (on sites not seen whole)
    const visible = (await telemetryAreaScope(repos, principal)).tag;
    const refs = (await repos.tags.telemetryRefs({ ...selection, scope: principal.siteIds })).filter(visible);
    if (selection.tagIds) {
      // A derived tag (ADR 0039) is named by id like a tag: its samples sit under its site.
      for (const id of selection.tagIds) {
        if (refs.some((ref) => ref.tagId === id)) continue;
        const derived = await repos.derivedTags?.get(id);
        if (!derived || !canSeeSite(principal, derived.siteId)) continue;
        const ref = derivedRef(derived);
        if (visible(ref)) refs.push(ref);
      }
      const found = new Set(refs.map((ref) => ref.tagId));
      const missing = selection.tagIds.find((id) => !found.has(id));
      if (missing) throw new NotFoundError(`tag ${missing} not found`);
      // in the order asked
      const byId = new Map(refs.map((ref) => [ref.tagId, ref]));
      return [...new Set(selection.tagIds)].map((id) => byId.get(id) as TagTelemetryRef);
    }
    // A whole site's tags include its derived tags (issue 21: a measurement bound to one shows live).
    if (selection.siteId && !selection.gatewayId && !selection.deviceId && repos.derivedTags) {
      const derived = await repos.derivedTags.list({ siteId: selection.siteId, scope: principal.siteIds });
      refs.push(...derived.map(derivedRef).filter(visible));
    }
    return refs.slice(0, MAX_TAGS_PER_REQUEST);
  });
}

/** A derived tag as telemetry names it: its samples sit under its site (ADR 0039). */
export function derivedRef(
  derived: Pick<DerivedTag, 'id' | 'key' | 'name' | 'unit' | 'siteId'>,
): TagTelemetryRef {
  return {
    tagId: derived.id,
    tagKey: derived.key,
    name: derived.name,
    unit: derived.unit,
    deviceId: derived.id,
    deviceKey: DERIVED_DEVICE_KEY,
    gatewayId: derived.siteId,
    siteId: derived.siteId,
  };
}

const tagRefOf = (ref: TagTelemetryRef) => ({
  gatewayId: ref.gatewayId,
  deviceKey: ref.deviceKey,
  tagKey: ref.tagKey,
});

export interface LatestValue {
  tagId: string;
  siteId: string;
  gatewayId: string;
  deviceId: string;
  deviceKey: string;
  tagKey: string;
  name: string;
  unit: string;
  ts: number;
  value: TelemetryValue;
  quality: TelemetrySample['quality'];
}

export async function latestValues(
  deps: TelemetryDeps,
  principal: Principal,
  selection: TagSelection,
): Promise<LatestValue[]> {
  const refs = await resolveTags(deps, principal, selection);
  const samples = await deps.telemetry.latest(principal.tenantId, refs.map(tagRefOf));
  const byName = new Map(
    samples.map((s) => [`${s.tagRef.gatewayId}/${s.tagRef.deviceKey}/${s.tagRef.tagKey}`, s]),
  );
  return refs.flatMap((ref) => {
    const sample = byName.get(`${ref.gatewayId}/${ref.deviceKey}/${ref.tagKey}`);
    if (!sample) return [];
    return [
      {
        tagId: ref.tagId,
        siteId: ref.siteId,
        gatewayId: ref.gatewayId,
        deviceId: ref.deviceId,
        deviceKey: ref.deviceKey,
        tagKey: ref.tagKey,
        name: ref.name,
        unit: ref.unit,
        ts: sample.ts,
        value: sample.value,
        quality: sample.quality,
      },
    ];
  });
}

export async function tagSeries(
  deps: TelemetryDeps,
  principal: Principal,
  query: {
    tagIds: readonly string[];
    from: number;
    to: number;
    maxPoints: number;
    aggregates: SeriesAggregate[];
  },
): Promise<{ bucketMs: number; series: { tagId: string; unit: string; buckets: SeriesBucket[] }[] }> {
  const refs = await resolveTags(deps, principal, { tagIds: query.tagIds });
  const series = await deps.telemetry.series(principal.tenantId, {
    tagRefs: refs.map(tagRefOf),
    from: query.from,
    to: query.to,
    maxPoints: query.maxPoints,
    aggregates: query.aggregates,
  });
  return {
    bucketMs: series[0]?.bucketMs ?? 0,
    series: refs.map((ref, index) => ({
      tagId: ref.tagId,
      unit: ref.unit,
      buckets: series[index]?.buckets ?? [],
    })),
  };
}

const EXPORT_PAGE = 10_000;

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The raw samples of some tags as CSV lines, read page by page so a long range never sits in memory
 * whole. The tags are resolved (and access checked) before the first line is produced. With
 * `assetId` (issue 21): the tags bound to the asset and everything under it, each row ending with
 * the asset's path and the measurement's name (a tag two assets read is written once for each).
 */
export async function exportCsv(
  deps: TelemetryDeps,
  principal: Principal,
  query: { tagIds?: readonly string[] | undefined; assetId?: string | undefined; from: number; to: number },
): Promise<AsyncIterable<string>> {
  const entries: { ref: TagTelemetryRef; suffix: string }[] = [];
  let header = 'time,tag_id,device,tag,value,quality\n';
  if (query.assetId !== undefined) {
    const assetId = query.assetId;
    const subtree = await deps.store.inTenant(principal.tenantId, async (repos) => {
      if (!repos.assetSubtrees) throw new Error('exportCsv: composition gave no asset subtrees for assetId');
      const found = await repos.assetSubtrees.of(assetId);
      if (!found || !canSeeSite(principal, found.siteId)) throw new NotFoundError('asset not found');
      if (!(await telemetryAreaScope(repos, principal)).asset(assetId, found.siteId))
        throw new NotFoundError('asset not found');
      return found;
    });
    const tagIds = [
      ...new Set(subtree.assets.flatMap((a) => a.measurements.flatMap((m) => (m.tagId ? [m.tagId] : [])))),
    ];
    const refs = tagIds.length === 0 ? [] : await resolveTags(deps, principal, { tagIds });
    const byId = new Map(refs.map((ref) => [ref.tagId, ref]));
    header = 'time,tag_id,device,tag,value,quality,asset,measurement\n';
    for (const asset of subtree.assets)
      for (const measurement of asset.measurements) {
        const ref = measurement.tagId ? byId.get(measurement.tagId) : undefined;
        if (ref) entries.push({ ref, suffix: `,${csvField(asset.path)},${csvField(measurement.name)}` });
      }
  } else {
    for (const ref of await resolveTags(deps, principal, { tagIds: query.tagIds ?? [] }))
      entries.push({ ref, suffix: '' });
  }
  const { telemetry } = deps;
  const tenantId = principal.tenantId;
  return (async function* lines() {
    yield header;
    for (const { ref, suffix } of entries) {
      const prefix = `,${ref.tagId},${csvField(ref.deviceKey)},${csvField(ref.tagKey)},`;
      let from = query.from;
      for (;;) {
        const page = await telemetry.range(tenantId, tagRefOf(ref), from, query.to, EXPORT_PAGE);
        if (page.length === 0) break;
        let chunk = '';
        for (const sample of page) {
          chunk += `${new Date(sample.ts).toISOString()}${prefix}${csvField(String(sample.value))},${sample.quality}${suffix}\n`;
        }
        yield chunk;
        if (page.length < EXPORT_PAGE) break;
        from = (page[page.length - 1]?.ts ?? query.to) + 1;
      }
    }
  })();
}

export async function listDeadLetters(
  deps: TelemetryDeps,
  principal: Principal,
  query: DeadLetterQuery,
): Promise<DeadLetterList> {
  return deps.store.inTenant(principal.tenantId, async (repos) => {
    if (query.siteId) {
      const site = await repos.sites.get(query.siteId);
      if (!site || !canSeeSite(principal, site.id)) throw new NotFoundError('site not found');
    }
    if (query.gatewayId) {
      const gateway = await repos.gateways.get(query.gatewayId);
      if (!gateway || !canSeeSite(principal, gateway.siteId)) throw new NotFoundError('gateway not found');
    }
    const filter = {
      ...(query.siteId ? { siteId: query.siteId } : {}),
      ...(query.gatewayId ? { gatewayId: query.gatewayId } : {}),
      ...(query.reason ? { reason: query.reason } : {}),
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      scope: principal.siteIds,
    };
    const byReason = await repos.deadLetters.count(filter);
    const total = Object.values(byReason).reduce((sum, n) => sum + (n ?? 0), 0);
    return { total, byReason, deadLetters: await repos.deadLetters.list(filter, query.limit) };
  });
}
