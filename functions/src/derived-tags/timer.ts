// Timer-based derived tags (ADR 0051): a derived tag with a period is also computed at every period
// boundary from its inputs' values then (sample and hold), stored like any point and handed to the
// alarms like any point, so a KPI over report-by-exception inputs gets a regular series and rules over
// windows see time pass. The local runtime runs this every second; on AWS a scheduled function every
// minute computes the minute's boundaries in one go.
import type { AlarmEvaluator } from '../alarms/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import { withCorrelationId } from '../platform/correlation.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import { type PeriodicJob, startPeriodic } from '../platform/periodic.ts';
import type { TagRef, TelemetryStore } from '../telemetry/ports.ts';
import type { PointsQuota } from '../usage/points-meter.ts';
import {
  affectedDerivedTags,
  computeDerivedSamples,
  readSiteDerivedTags,
  type Sample,
  type SiteDerivedTags,
  toDerivedPoints,
} from './calculator.ts';
import { computePeriodicSamples, dueBoundaries, type Timeline, valueAt } from './periodic.ts';
import type { DerivedTagRepositories, PeriodicDerivedTagLookups } from './ports.ts';

export interface PeriodicDerivedTagDeps {
  store: TenantStore<DerivedTagRepositories & Pick<PlantRepositories, 'tags'>> & PeriodicDerivedTagLookups;
  telemetry: Pick<TelemetryStore, 'latest' | 'range' | 'write'>;
  alarms: AlarmEvaluator;
  clock: Clock;
  /** The plan's points a day: a tenant over it gets no periodic points (logged); none: no limit. */
  points?: PointsQuota | undefined;
  metrics?: Metrics | undefined;
}

export interface PeriodicDerivedTagOptions {
  /**
   * A boundary is computed this long after it passed, so samples dated at or before it (a gateway
   * publishes every 250 ms to 1 s) are stored first. A sample later still does not rewrite the past.
   */
  settleMs?: number;
  /** The first run of a process looks back this far (on AWS: a cold start covers the last schedule). */
  catchUpMs?: number;
  /** How long a tenant's derived tags are kept in memory before they are read again. */
  cacheMs?: number;
  /**
   * How long the tenants with periodic tags are kept in memory before they are looked up again; a
   * `forgetTenant` makes the next run look at once. 0 (the default; AWS, whose runs are a minute apart
   * and whose API runs elsewhere): every run looks. The local runtime keeps them a minute, so an install
   * without periodic tags reads nothing a second (ADR 0051 addendum). Never more than `catchUpMs` less
   * `settleMs`: a tenant whose first periodic tag was saved in a way that told no one (SQL, another
   * process) is found soon enough for its first run to reach back to the tag's creation.
   */
  tenantsRefreshMs?: number;
}

export interface PeriodicDerivedTagSummary {
  tenants: number;
  /** Points computed (a boundary computed again counts, the store then counts it a duplicate). */
  points: number;
  written: number;
  failedTenants: number;
}

export interface PeriodicDerivedTagRunner {
  run(): Promise<PeriodicDerivedTagSummary>;
  /**
   * A derived tag of the tenant was saved or removed: the next run looks up the tenants with periodic
   * tags and reads this tenant's derived tags again.
   */
  forgetTenant(tenantId: string): void;
}

const DEFAULT_SETTLE_MS = 2_000;
const DEFAULT_CATCH_UP_MS = 120_000;
const DEFAULT_CACHE_MS = 10_000;
/** At a process's first run, how far back an input's value before the window is looked for. */
const HOLD_LOOKBACK_MS = 3_600_000;
/** A tenant whose runs keep failing is caught up at most this far when one succeeds. */
const MAX_CATCH_UP_MS = 3_600_000;
const RANGE_LIMIT = 100_000;

/** A site's derived tags, as the timer keeps them per tenant. */
type PeriodicSite = SiteDerivedTags & { siteId: string };

/** An input's value as of `asOf` (the last boundary it was read for), carried to the next run. */
interface Held {
  sample: Sample | undefined;
  asOf: number;
}

export function createPeriodicDerivedTagRunner(
  deps: PeriodicDerivedTagDeps,
  options: PeriodicDerivedTagOptions = {},
): PeriodicDerivedTagRunner {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const catchUpMs = options.catchUpMs ?? DEFAULT_CATCH_UP_MS;
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  const tenantsRefreshMs = Math.min(options.tenantsRefreshMs ?? 0, catchUpMs - settleMs);
  // Every forgetTenant counts one change. What was read is kept with the count when its read began:
  // a change that lands while a read is in flight (the read may not see it) makes it stale at once.
  let changes = 0;
  const changedAt = new Map<string, number>();
  let tenantsKept: { tenants: string[]; loadedAt: number; changes: number } | undefined;
  const models = new Map<string, { sites: PeriodicSite[]; loadedAt: number; changes: number }>();
  const doneUntil = new Map<string, number>();
  const heldOf = new Map<string, Map<string, Held>>();

  async function sitesOf(tenantId: string, now: number): Promise<PeriodicSite[]> {
    const kept = models.get(tenantId);
    if (kept && (changedAt.get(tenantId) ?? 0) <= kept.changes && now - kept.loadedAt < cacheMs)
      return kept.sites;
    const readFrom = changes;
    const sites = await deps.store.inTenant(tenantId, async (repos) => {
      const periodic = await repos.derivedTags.listPeriodic();
      const siteIds = [...new Set(periodic.map((tag) => tag.siteId))];
      const read: PeriodicSite[] = [];
      for (const siteId of siteIds) read.push({ ...(await readSiteDerivedTags(repos, siteId)), siteId });
      return read;
    });
    models.set(tenantId, { sites, loadedAt: now, changes: readFrom });
    return sites;
  }

  /** The tenants with periodic tags: kept `tenantsRefreshMs`, or until a derived tag is saved or removed. */
  async function periodicTenants(now: number): Promise<string[]> {
    if (tenantsKept && tenantsKept.changes === changes && now - tenantsKept.loadedAt < tenantsRefreshMs)
      return tenantsKept.tenants;
    const readFrom = changes;
    const tenants = await deps.store.findTenantsWithPeriodicDerivedTags();
    tenantsKept = { tenants, loadedAt: now, changes: readFrom };
    return tenants;
  }

  /**
   * Each input's samples around the window: its newest alone when it has not changed since the first
   * boundary (the common case of a report-by-exception input); otherwise what came since the value
   * carried from the last run (or, at a first run, an hour before), read from the store.
   */
  async function timelines(
    tenantId: string,
    inputs: ReadonlyMap<string, TagRef>,
    first: number,
    last: number,
    held: ReadonlyMap<string, Held>,
  ): Promise<Map<string, Timeline>> {
    const refKey = (ref: TagRef) => `${ref.gatewayId}\u0000${ref.deviceKey}\u0000${ref.tagKey}`;
    const latest = new Map(
      (await deps.telemetry.latest(tenantId, [...inputs.values()])).map((sample) => [
        refKey(sample.tagRef),
        sample,
      ]),
    );
    const result = new Map<string, Timeline>();
    for (const [id, ref] of inputs) {
      const newest = latest.get(refKey(ref));
      if (!newest) {
        result.set(id, []);
        continue;
      }
      const sample: Sample = { ts: newest.ts, value: newest.value, quality: newest.quality };
      if (newest.ts <= first) {
        result.set(id, [sample]);
        continue;
      }
      const carried = held.get(id);
      const since = carried && carried.asOf < first ? carried.asOf + 1 : first - HOLD_LOOKBACK_MS;
      const read = await deps.telemetry.range(tenantId, ref, since, last + 1, RANGE_LIMIT);
      if (read.length === RANGE_LIMIT)
        logger.warn('periodic derived tag input read was cut short', { tenantId, id });
      const samples = read.map(
        (entry): Sample => ({ ts: entry.ts, value: entry.value, quality: entry.quality }),
      );
      result.set(id, carried?.sample && carried.asOf < first ? [carried.sample, ...samples] : samples);
    }
    return result;
  }

  async function runSite(
    tenantId: string,
    site: PeriodicSite,
    from: number,
    to: number,
    held: Map<string, Held>,
    nextHeld: Map<string, Held>,
  ): Promise<{ points: number; written: number }> {
    const due = dueBoundaries(site.ordered, from, to);
    if (due.size === 0) return { points: 0, written: 0 };
    const all = [...due.values()].flat();
    const first = Math.min(...all);
    const last = Math.max(...all);
    const inputs = new Map<string, TagRef>();
    for (const tag of site.ordered) {
      if (!due.has(tag.id)) continue;
      for (const input of tag.inputs) if (input.ref) inputs.set(input.id, input.ref);
    }
    const read =
      inputs.size === 0 ? new Map<string, Timeline>() : await timelines(tenantId, inputs, first, last, held);
    for (const [id, timeline] of read) nextHeld.set(id, { sample: valueAt(timeline, last), asOf: last });
    const periodic = computePeriodicSamples(site.ordered, due, read);
    // A derived tag without a period that reads a periodic one changes when it does, as on ingest.
    const readers = affectedDerivedTags(site, due.keys()).filter((tag) => tag.periodMs === null);
    let cascaded = new Map<string, Sample[]>();
    if (readers.length > 0) {
      const wanted = new Map<string, TagRef>();
      for (const tag of readers)
        for (const input of tag.inputs) if (input.ref) wanted.set(input.id, input.ref);
      const stored = new Map<string, Sample>();
      const refKey = (ref: TagRef) => `${ref.gatewayId}\u0000${ref.deviceKey}\u0000${ref.tagKey}`;
      const idOf = new Map([...wanted].map(([id, ref]) => [refKey(ref), id]));
      for (const sample of wanted.size === 0
        ? []
        : await deps.telemetry.latest(tenantId, [...wanted.values()])) {
        const id = idOf.get(refKey(sample.tagRef));
        if (id) stored.set(id, sample);
      }
      cascaded = computeDerivedSamples(readers, periodic, stored);
    }
    const tags = site.ordered.filter((tag) => due.has(tag.id) || cascaded.has(tag.id));
    const points = toDerivedPoints(
      { tenantId, siteId: site.siteId },
      tags,
      new Map([...periodic, ...cascaded]),
    );
    if (points.records.length === 0) return { points: 0, written: 0 };
    const refusal = await deps.points?.refusal(tenantId, points.records.length);
    if (refusal) {
      deps.points?.record(tenantId, { refused: points.records.length });
      logger.warn('periodic derived tags not stored: over the plan', {
        tenantId,
        siteId: site.siteId,
        refusal,
      });
      return { points: points.records.length, written: 0 };
    }
    // Stored and evaluated side by side, as ingest does: a boundary computed again is a duplicate to
    // the store and a sample at or before a rule's last to the engine.
    const [{ written }] = await Promise.all([
      deps.telemetry.write(points.records),
      deps.alarms.evaluate({
        tenantId,
        siteId: site.siteId,
        gatewayId: site.siteId,
        points: points.alarmPoints,
      }),
    ]);
    deps.points?.record(tenantId, { stored: written });
    deps.metrics?.increment('telemetry_points_stored', {}, written);
    return { points: points.records.length, written };
  }

  async function runTenant(tenantId: string, now: number): Promise<{ points: number; written: number }> {
    const to = now - settleMs;
    const from = Math.max(
      doneUntil.get(tenantId) ?? to - catchUpMs,
      to - Math.max(catchUpMs, MAX_CATCH_UP_MS),
    );
    if (to <= from) return { points: 0, written: 0 };
    const held = heldOf.get(tenantId) ?? new Map<string, Held>();
    const nextHeld = new Map<string, Held>(held);
    let points = 0;
    let written = 0;
    for (const site of await sitesOf(tenantId, now)) {
      const done = await runSite(tenantId, site, from, to, held, nextHeld);
      points += done.points;
      written += done.written;
    }
    doneUntil.set(tenantId, to);
    heldOf.set(tenantId, nextHeld);
    return { points, written };
  }

  return {
    async run() {
      const now = deps.clock.now().getTime();
      const tenants = await periodicTenants(now);
      const summary: PeriodicDerivedTagSummary = {
        tenants: tenants.length,
        points: 0,
        written: 0,
        failedTenants: 0,
      };
      // Tenants without periodic tags (any more) are forgotten.
      for (const tenantId of new Set([...doneUntil.keys(), ...changedAt.keys()])) {
        if (!tenants.includes(tenantId)) {
          doneUntil.delete(tenantId);
          heldOf.delete(tenantId);
          models.delete(tenantId);
          changedAt.delete(tenantId);
        }
      }
      if (tenants.length === 0) return summary;
      const correlationId = `derived-timer:${new Date(now).toISOString()}`;
      for (const tenantId of tenants) {
        try {
          const done = await withCorrelationId(correlationId, () => runTenant(tenantId, now));
          summary.points += done.points;
          summary.written += done.written;
        } catch (error) {
          // The window stays open: the next run computes this tenant's boundaries again.
          summary.failedTenants += 1;
          logger.error('periodic derived tags failed for a tenant', { tenantId, error });
        }
      }
      return summary;
    },
    forgetTenant(tenantId) {
      changes += 1;
      changedAt.set(tenantId, changes);
      models.delete(tenantId);
    },
  };
}

/** The local runtime's timer: every `intervalMs` (a second by default). */
export function startPeriodicDerivedTagTimer(
  runner: PeriodicDerivedTagRunner,
  intervalMs = 1_000,
): PeriodicJob<PeriodicDerivedTagSummary> {
  return startPeriodic('periodic derived tags', () => runner.run(), intervalMs);
}
