// Derived tags on ingest (ADR 0039): when a batch carries a sample of a derived tag's input, the tag
// is computed at that sample's time from the inputs' values then (the batch's samples over the
// newest stored ones), stored like any point and handed to the alarms like any point.
import {
  type CompiledFormula,
  compileFormula,
  DERIVED_DEVICE_KEY,
  type DerivedTag,
  derivedTagOrder,
  MAX_STRING_VALUE_LENGTH,
  type TelemetryPointRecord,
} from '@plantwatch/shared';
import type { AlarmPoint } from '../alarms/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { logger } from '../platform/observability.ts';
import type { TagRef, TelemetrySample, TelemetryStore } from '../telemetry/ports.ts';
import type { DerivedTagRepositories } from './ports.ts';

/** A derived tag ready to run: its formula compiled, each input's id and telemetry name. */
export interface RunnableDerivedTag {
  id: string;
  key: string;
  compiled: CompiledFormula;
  /** Aligned with `compiled.references`; a ref is undefined when its tag was deleted since. */
  inputs: { id: string; ref: TagRef | undefined }[];
  /** ADR 0051: also computed at every multiple of this (epoch ms); null: on input changes only. */
  periodMs: number | null;
  /** ADR 0051: an input older than this at the evaluation time counts as uncertain; null: never. */
  staleAfterMs: number | null;
  /** When the tag was created (epoch ms): the timer computes no boundary before it. */
  createdAt: number;
}

/** A site's derived tags, inputs before the tags computed from them. */
export interface SiteDerivedTags {
  ordered: RunnableDerivedTag[];
  /** Which derived tags read a tag (or derived tag) id directly. */
  readers: Map<string, RunnableDerivedTag[]>;
}

export type Sample = Pick<TelemetrySample, 'ts' | 'value' | 'quality'>;

/** Builds the runnable model of a site's derived tags (as saved: parsed, resolved, acyclic). */
export function siteDerivedTags(
  siteId: string,
  tags: readonly DerivedTag[],
  tagRefs: ReadonlyMap<string, TagRef>,
): SiteDerivedTags {
  const byId = new Map(tags.map((tag) => [tag.id, tag]));
  const graph = new Map(
    tags.map((tag) => [tag.id, tag.inputs.flatMap((input) => (input.kind === 'derived' ? [input.id] : []))]),
  );
  const order = derivedTagOrder(graph);
  // Saving refuses cycles; should one ever be stored, its tags are left out rather than run forever.
  const orderedIds = 'order' in order ? order.order : [];
  if ('cycle' in order) logger.error('derived tags form a cycle; none of the site is computed', { siteId });
  const ordered: RunnableDerivedTag[] = [];
  const readers = new Map<string, RunnableDerivedTag[]>();
  for (const id of orderedIds) {
    const tag = byId.get(id);
    if (!tag) continue;
    let compiled: CompiledFormula;
    try {
      compiled = compileFormula(tag.formula);
    } catch (error) {
      logger.error('a stored derived-tag formula does not compile', { siteId, key: tag.key, error });
      continue;
    }
    const inputs = compiled.references.map((reference) => {
      const input = tag.inputs.find((entry) => entry.reference === reference.text);
      if (!input) return { id: '', ref: undefined };
      const derived = input.kind === 'derived' ? byId.get(input.id) : undefined;
      const ref = derived
        ? { gatewayId: siteId, deviceKey: DERIVED_DEVICE_KEY, tagKey: derived.key }
        : tagRefs.get(input.id);
      return { id: input.id, ref };
    });
    const runnable: RunnableDerivedTag = {
      id: tag.id,
      key: tag.key,
      compiled,
      inputs,
      periodMs: tag.periodSeconds === null ? null : tag.periodSeconds * 1000,
      staleAfterMs: tag.staleAfterSeconds === null ? null : tag.staleAfterSeconds * 1000,
      createdAt: Date.parse(tag.createdAt),
    };
    ordered.push(runnable);
    for (const input of inputs) {
      const list = readers.get(input.id);
      if (list) list.push(runnable);
      else readers.set(input.id, [runnable]);
    }
  }
  return { ordered, readers };
}

/** The derived tags a batch touches (directly or through another derived tag), in evaluation order. */
export function affectedDerivedTags(site: SiteDerivedTags, tagIds: Iterable<string>): RunnableDerivedTag[] {
  const hit = new Set<string>();
  const pending = [...tagIds];
  while (pending.length > 0) {
    const id = pending.pop() as string;
    for (const reader of site.readers.get(id) ?? []) {
      if (hit.has(reader.id)) continue;
      hit.add(reader.id);
      pending.push(reader.id);
    }
  }
  return site.ordered.filter((tag) => hit.has(tag.id));
}

/**
 * ADR 0051: an input heard from last more than `staleAfterMs` before `at` is held at its last value but
 * counts as uncertain (OPC UA's "last usable value"); a bad input stays bad. Null: inputs never go stale.
 */
export function withStaleness(
  inputs: readonly (Sample | undefined)[],
  at: number,
  staleAfterMs: number | null,
): (Sample | undefined)[] {
  if (staleAfterMs === null) return [...inputs];
  return inputs.map((input) =>
    input && input.quality === 'good' && at - input.ts > staleAfterMs
      ? { ...input, quality: 'uncertain' }
      : input,
  );
}

/** The tag's sample at `at` from its inputs' values then: bad with the reason as its value, or a number. */
export function evaluateAt(
  tag: RunnableDerivedTag,
  inputs: readonly (Sample | undefined)[],
  at: number,
): Sample {
  const result = tag.compiled.evaluate(withStaleness(inputs, at, tag.staleAfterMs));
  return result.quality === 'bad'
    ? { ts: at, value: result.reason.slice(0, MAX_STRING_VALUE_LENGTH), quality: 'bad' }
    : { ts: at, value: result.value, quality: result.quality };
}

/**
 * The derived samples of a batch. For each affected tag, in order: the batch's samples of its inputs
 * (derived ones included, as just computed) in time order, each applied over the input's newest
 * stored sample unless that one is newer (late data does not rewrite the past); at each time where an
 * input changed, the formula is evaluated. A bad result is stored as bad quality with the reason as
 * its value, so the chart and the alarm say why.
 */
export function computeDerivedSamples(
  affected: readonly RunnableDerivedTag[],
  batch: ReadonlyMap<string, readonly Sample[]>,
  stored: ReadonlyMap<string, Sample>,
): Map<string, Sample[]> {
  const samplesOf = new Map<string, readonly Sample[]>(batch);
  const results = new Map<string, Sample[]>();
  for (const tag of affected) {
    const current = tag.inputs.map((input) => stored.get(input.id));
    const changes: { ts: number; index: number; sample: Sample }[] = [];
    for (const [index, input] of tag.inputs.entries()) {
      for (const sample of samplesOf.get(input.id) ?? []) changes.push({ ts: sample.ts, index, sample });
    }
    changes.sort((a, b) => a.ts - b.ts);
    const out: Sample[] = [];
    for (let at = 0; at < changes.length; ) {
      const ts = (changes[at] as { ts: number }).ts;
      let applied = false;
      for (; at < changes.length && (changes[at] as { ts: number }).ts === ts; at++) {
        const change = changes[at] as { index: number; sample: Sample };
        const before = current[change.index];
        if (before === undefined || change.sample.ts >= before.ts) {
          current[change.index] = change.sample;
          applied = true;
        }
      }
      if (!applied) continue;
      out.push(evaluateAt(tag, current, ts));
    }
    if (out.length > 0) {
      results.set(tag.id, out);
      samplesOf.set(tag.id, out);
    }
  }
  return results;
}

export interface DerivedTagCalculatorDeps {
  store: TenantStore<DerivedTagRepositories & Pick<PlantRepositories, 'tags'>>;
  telemetry: Pick<TelemetryStore, 'latest'>;
  /** How long a site's derived tags are kept in memory before they are read again. */
  cacheMs?: number;
}

/** What a batch adds: the derived points to store, and the same points as the alarms see them. */
export interface DerivedPoints {
  records: TelemetryPointRecord[];
  alarmPoints: AlarmPoint[];
}

/** Ingest's side of derived tags: which of a site's derived tags a batch changes, and their samples. */
export interface DerivedTagCalculator {
  derive(site: { tenantId: string; siteId: string }, points: readonly AlarmPoint[]): Promise<DerivedPoints>;
  /** A derived tag of the site was saved or removed: read them again on the next batch. */
  forgetSite(site: { tenantId: string; siteId: string }): void;
}

const DEFAULT_CACHE_MS = 10_000;

/** A site's derived tags read from the store and made runnable (their tag inputs' telemetry names resolved). */
export async function readSiteDerivedTags(
  repos: DerivedTagRepositories & Pick<PlantRepositories, 'tags'>,
  siteId: string,
): Promise<SiteDerivedTags> {
  const tags = await repos.derivedTags.list({ siteId, scope: null });
  if (tags.length === 0) return siteDerivedTags(siteId, [], new Map());
  const tagIds = [
    ...new Set(tags.flatMap((tag) => tag.inputs.flatMap((i) => (i.kind === 'tag' ? [i.id] : [])))),
  ];
  const refs = tagIds.length === 0 ? [] : await repos.tags.telemetryRefs({ tagIds, scope: null });
  const byId = new Map(
    refs.map((ref) => [
      ref.tagId,
      { gatewayId: ref.gatewayId, deviceKey: ref.deviceKey, tagKey: ref.tagKey },
    ]),
  );
  return siteDerivedTags(siteId, tags, byId);
}

/** Derived samples as telemetry stores them and as the alarms see them, in the tags' order. */
export function toDerivedPoints(
  site: { tenantId: string; siteId: string },
  tags: readonly RunnableDerivedTag[],
  derived: ReadonlyMap<string, readonly Sample[]>,
): DerivedPoints {
  const result: DerivedPoints = { records: [], alarmPoints: [] };
  for (const tag of tags) {
    for (const sample of derived.get(tag.id) ?? []) {
      result.records.push({
        tenantId: site.tenantId,
        siteId: site.siteId,
        gatewayId: site.siteId,
        deviceKey: DERIVED_DEVICE_KEY,
        tagKey: tag.key,
        ...sample,
      });
      // A derived tag belongs to no device: its own id stands in, so no device rule matches it.
      result.alarmPoints.push({ tagId: tag.id, deviceId: tag.id, ...sample });
    }
  }
  return result;
}

export function createDerivedTagCalculator(deps: DerivedTagCalculatorDeps): DerivedTagCalculator {
  const sites = new Map<string, { model: SiteDerivedTags; loadedAt: number }>();
  const cacheMs = deps.cacheMs ?? DEFAULT_CACHE_MS;

  async function load(tenantId: string, siteId: string): Promise<SiteDerivedTags> {
    const key = `${tenantId}/${siteId}`;
    const kept = sites.get(key);
    if (kept && Date.now() - kept.loadedAt < cacheMs) return kept.model;
    const model = await deps.store.inTenant(tenantId, (repos) => readSiteDerivedTags(repos, siteId));
    sites.set(key, { model, loadedAt: Date.now() });
    return model;
  }

  return {
    async derive({ tenantId, siteId }, points) {
      const empty: DerivedPoints = { records: [], alarmPoints: [] };
      if (points.length === 0) return empty;
      const site = await load(tenantId, siteId);
      if (site.ordered.length === 0) return empty;
      const batch = new Map<string, Sample[]>();
      for (const point of points) {
        const list = batch.get(point.tagId);
        const sample = { ts: point.ts, value: point.value, quality: point.quality };
        if (list) list.push(sample);
        else batch.set(point.tagId, [sample]);
      }
      const affected = affectedDerivedTags(site, batch.keys());
      if (affected.length === 0) return empty;
      const wanted = new Map<string, TagRef>();
      for (const tag of affected) {
        for (const input of tag.inputs) if (input.ref) wanted.set(input.id, input.ref);
      }
      const refKey = (ref: TagRef) => `${ref.gatewayId}\u0000${ref.deviceKey}\u0000${ref.tagKey}`;
      const idOfRef = new Map([...wanted].map(([id, ref]) => [refKey(ref), id]));
      const latest = wanted.size === 0 ? [] : await deps.telemetry.latest(tenantId, [...wanted.values()]);
      const stored = new Map<string, Sample>();
      for (const sample of latest) {
        const id = idOfRef.get(refKey(sample.tagRef));
        if (id) stored.set(id, sample);
      }
      return toDerivedPoints({ tenantId, siteId }, affected, computeDerivedSamples(affected, batch, stored));
    },
    forgetSite({ tenantId, siteId }) {
      sites.delete(`${tenantId}/${siteId}`);
    },
  };
}
