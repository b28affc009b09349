// What a report shows, gathered once and handed to every format: tags in scope, bucketed values read
// from the telemetry store's hourly rollups, per-tag summaries and the alarm summary.
import type {
  AlarmEvent,
  AlarmKpis,
  AlarmRule,
  AlarmSeverity,
  ReportMetric,
  TelemetryValue,
} from '@plantwatch/shared';
import { alarmSeverities, unitSymbol } from '@plantwatch/shared';
import { computeAlarmKpis } from '../alarms/kpis.ts';
import type { TagTelemetryRef } from '../plant/ports.ts';
import type { SiteScope, TenantStore } from '../platform/database/tenant-store.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';
import { assetGroupsInScope } from './asset-groups.ts';
import type { CoveredPeriod } from './period.ts';
import type { ReportStoreRepositories, StoredReport } from './ports.ts';
import { DERIVED_GROUP_NAME, isDerivedRef, tagsInScope } from './tags-in-scope.ts';
import { localParts, startOfLocalDay } from './zone.ts';

const HOUR_MS = 3_600_000;
/** Tags per telemetry query: keeps one statement's result (and a Timestream page set) bounded. */
const TAGS_PER_QUERY = 50;
/** A period with more alarm events than this is summarised from the first ones, and says so. */
export const MAX_ALARM_EVENTS = 50_000;

export interface ReportBucket {
  /** Start of the bucket (epoch ms). */
  ts: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  last: TelemetryValue | null;
  /** Consumption of a totaliser: last value of this bucket minus the last value of the one before. */
  difference: number | null;
  count: number;
}

export interface ReportTag {
  id: string;
  key: string;
  name: string;
  unit: string;
  buckets: ReportBucket[];
  /** The whole period in one bucket. */
  summary: ReportBucket;
}

/** One group of the report's tables: a device, or an asset of an asset scope (name: its path, tags: its measurements). */
export interface ReportDevice {
  id: string;
  name: string;
  siteName: string;
  tags: ReportTag[];
}

export interface AlarmSummaryRow {
  alarmId: string;
  name: string;
  severity: AlarmSeverity;
  /** Times it went active. */
  count: number;
  timeInAlarmMs: number;
  /** Mean time from going active to acknowledgement; null when never acknowledged in the period. */
  meanTimeToAckMs: number | null;
}

export interface AlarmSummary {
  bySeverity: Record<AlarmSeverity, number>;
  total: number;
  /** Top 10 by how often they went active. */
  top: AlarmSummaryRow[];
  timeInAlarmMs: number;
  meanTimeToAckMs: number | null;
  truncated: boolean;
}

export interface ReportData {
  tenantName: string;
  reportName: string;
  timeZone: string;
  period: CoveredPeriod;
  bucket: 'hour' | 'day';
  metrics: readonly ReportMetric[];
  sections: StoredReport['sections'];
  generatedAt: number;
  devices: ReportDevice[];
  alarms: AlarmSummary | null;
  /** The section `alarmKpis` (ADR 0049): the alarm system's ISA-18.2 figures over the period. */
  alarmKpis: AlarmKpis | null;
}

export interface ReportDataPorts {
  store: TenantStore<ReportStoreRepositories>;
  telemetry: TelemetryStore;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function severityOf(rule: AlarmRule | undefined, alarmKey: string | null): AlarmSeverity {
  if (!rule) return 'medium';
  if (rule.kind === 'limit') {
    return (
      rule.levels.find((level) => level.level === alarmKey)?.severity ?? rule.levels[0]?.severity ?? 'medium'
    );
  }
  return rule.severity;
}

function alarmName(rule: AlarmRule | undefined, alarmKey: string | null): string {
  if (!rule) return 'deleted rule';
  if (rule.kind === 'limit') {
    const level = rule.levels.find((entry) => entry.level === alarmKey);
    if (level?.name) return level.name;
    return alarmKey
      ? `${rule.name} ${alarmKey === 'hihi' ? 'HiHi' : alarmKey === 'lolo' ? 'LoLo' : alarmKey === 'hi' ? 'Hi' : 'Lo'}`
      : rule.name;
  }
  return rule.name;
}

const isActive = (state: string) => state === 'active-unacked' || state === 'active-acked';

/**
 * Count by severity, top 10 by frequency, time in alarm and mean time to acknowledge, from the
 * journal of the period. An alarm already active when the period starts counts from the start.
 */
export function summariseAlarms(
  events: readonly AlarmEvent[],
  rules: ReadonlyMap<string, AlarmRule>,
  alarmKeys: ReadonlyMap<string, string | null>,
  period: CoveredPeriod,
  truncated: boolean,
): AlarmSummary {
  const rows = new Map<
    string,
    AlarmSummaryRow & { activeSince: number | null; raisedAt: number | null; acks: number[] }
  >();
  const rowFor = (event: AlarmEvent) => {
    let row = rows.get(event.alarmId);
    if (!row) {
      const rule = rules.get(event.ruleId);
      const key = alarmKeys.get(event.alarmId) ?? null;
      row = {
        alarmId: event.alarmId,
        name: alarmName(rule, key),
        severity: severityOf(rule, key),
        count: 0,
        timeInAlarmMs: 0,
        meanTimeToAckMs: null,
        // Its first event in the period leaving an active state means it was active at the start.
        activeSince: isActive(event.from) ? period.from : null,
        raisedAt: null,
        acks: [],
      };
      rows.set(event.alarmId, row);
    }
    return row;
  };
  for (const event of events) {
    const row = rowFor(event);
    const at = Date.parse(event.at);
    if (event.kind === 'raised') {
      row.count++;
      row.raisedAt = at;
    }
    if (event.kind === 'acknowledged' && row.raisedAt !== null) {
      row.acks.push(at - row.raisedAt);
      row.raisedAt = null;
    }
    const wasActive = isActive(event.from);
    const nowActive = isActive(event.to);
    if (!wasActive && nowActive) row.activeSince = at;
    if (wasActive && !nowActive && row.activeSince !== null) {
      row.timeInAlarmMs += at - row.activeSince;
      row.activeSince = null;
    }
  }
  const bySeverity = Object.fromEntries(alarmSeverities.map((s) => [s, 0])) as Record<AlarmSeverity, number>;
  const allAcks: number[] = [];
  const finished: AlarmSummaryRow[] = [];
  for (const row of rows.values()) {
    if (row.activeSince !== null) row.timeInAlarmMs += period.to - row.activeSince;
    bySeverity[row.severity] += row.count;
    allAcks.push(...row.acks);
    finished.push({
      alarmId: row.alarmId,
      name: row.name,
      severity: row.severity,
      count: row.count,
      timeInAlarmMs: row.timeInAlarmMs,
      meanTimeToAckMs: row.acks.length ? row.acks.reduce((a, b) => a + b, 0) / row.acks.length : null,
    });
  }
  const top = finished
    .filter((row) => row.count > 0 || row.timeInAlarmMs > 0)
    .sort((a, b) => b.count - a.count || b.timeInAlarmMs - a.timeInAlarmMs || a.name.localeCompare(b.name))
    .slice(0, 10);
  return {
    bySeverity,
    total: finished.reduce((sum, row) => sum + row.count, 0),
    top,
    timeInAlarmMs: finished.reduce((sum, row) => sum + row.timeInAlarmMs, 0),
    meanTimeToAckMs: allAcks.length ? allAcks.reduce((a, b) => a + b, 0) / allAcks.length : null,
    truncated,
  };
}

interface HourBucket {
  ts: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  first: TelemetryValue | null;
  last: TelemetryValue | null;
  count: number;
}

/** Merges hourly rollup buckets into report buckets (hours, or days in the report's zone). */
export function toReportBuckets(
  hours: readonly HourBucket[],
  bucket: 'hour' | 'day',
  timeZone: string,
): ReportBucket[] {
  const groups = new Map<number, HourBucket[]>();
  for (const hour of hours) {
    const key = bucket === 'hour' ? hour.ts : startOfLocalDay(hour.ts, timeZone);
    const group = groups.get(key);
    if (group) group.push(hour);
    else groups.set(key, [hour]);
  }
  const result: ReportBucket[] = [];
  let previousLast: number | null = null;
  for (const [ts, group] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    const merged = mergeBuckets(ts, group, previousLast);
    result.push(merged);
    if (isNumber(merged.last)) previousLast = merged.last;
  }
  return result;
}

function mergeBuckets(ts: number, group: readonly HourBucket[], previousLast: number | null): ReportBucket {
  let weighted = 0;
  let weight = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (const hour of group) {
    if (isNumber(hour.avg)) {
      weighted += hour.avg * hour.count;
      weight += hour.count;
    }
    if (isNumber(hour.min)) min = min === null ? hour.min : Math.min(min, hour.min);
    if (isNumber(hour.max)) max = max === null ? hour.max : Math.max(max, hour.max);
  }
  const first = group[0]?.first ?? null;
  const last = group[group.length - 1]?.last ?? null;
  const start = previousLast ?? (isNumber(first) ? first : null);
  return {
    ts,
    avg: weight > 0 ? weighted / weight : null,
    min,
    max,
    last,
    difference: isNumber(last) && start !== null ? last - start : null,
    count: group.reduce((sum, hour) => sum + hour.count, 0),
  };
}

function summaryOf(ts: number, buckets: readonly ReportBucket[], first: TelemetryValue | null): ReportBucket {
  let weighted = 0;
  let weight = 0;
  let min: number | null = null;
  let max: number | null = null;
  for (const b of buckets) {
    if (isNumber(b.avg)) {
      weighted += b.avg * b.count;
      weight += b.count;
    }
    if (isNumber(b.min)) min = min === null ? b.min : Math.min(min, b.min);
    if (isNumber(b.max)) max = max === null ? b.max : Math.max(max, b.max);
  }
  const last = buckets[buckets.length - 1]?.last ?? null;
  return {
    ts,
    avg: weight > 0 ? weighted / weight : null,
    min,
    max,
    last,
    difference: isNumber(last) && isNumber(first) ? last - first : null,
    count: buckets.reduce((sum, b) => sum + b.count, 0),
  };
}

export async function collectReportData(
  ports: ReportDataPorts,
  tenantId: string,
  report: StoredReport,
  period: CoveredPeriod,
  generatedAt: number,
): Promise<ReportData> {
  const gathered = await ports.store.inTenant(tenantId, async (repos) => {
    const tenant = await repos.tenant.get();
    // The owner's current sites when the owner still exists, else those saved with the report.
    const owner = report.ownerUserId ? await repos.users.get(report.ownerUserId) : null;
    const scope: SiteScope = owner ? owner.siteIds : report.ownerSiteIds;
    const refs = await tagsInScope(repos, report, scope);
    const assetGroups = await assetGroupsInScope(repos, report, scope);
    const [sites, devices, tags] = await Promise.all([
      repos.sites.list(scope),
      repos.devices.list({ scope }),
      repos.tags.list({ scope }),
    ]);
    // the sites the report names (directly, by its tags or its assets) that its owner may see
    const siteIds = [
      ...new Set(
        refs
          .map((ref) => ref.siteId)
          .concat(report.scope.siteIds)
          .concat(assetGroups.map((group) => group.siteId)),
      ),
    ].filter((siteId) => scope === null || scope.includes(siteId));
    let alarms: { events: (AlarmEvent & { alarmKey: string })[]; rules: AlarmRule[] } | null = null;
    if (report.sections.includes('alarms')) {
      const events = await repos.reportAlarmEvents.list(
        { siteIds, from: new Date(period.from), to: new Date(period.to) },
        MAX_ALARM_EVENTS + 1,
      );
      alarms = { events, rules: await repos.alarmRules.list({ scope }) };
    }
    const alarmKpis = report.sections.includes('alarmKpis')
      ? await computeAlarmKpis(repos, siteIds, period, null)
      : null;
    return { tenant, refs, assetGroups, sites, devices, tags, alarms, alarmKpis };
  });
  // every tag read once, whether a device's or an asset's (or both)
  const allRefs = new Map(gathered.refs.map((ref) => [ref.tagId, ref]));
  for (const group of gathered.assetGroups)
    for (const { ref } of group.measurements) if (!allRefs.has(ref.tagId)) allRefs.set(ref.tagId, ref);
  const readRefs = [...allRefs.values()];

  const hourFrom = Math.floor(period.from / HOUR_MS) * HOUR_MS;
  const hourCount = Math.max(1, Math.ceil(period.to / HOUR_MS) - hourFrom / HOUR_MS);
  const seriesByTag = new Map<string, HourBucket[]>();
  for (let i = 0; i < readRefs.length; i += TAGS_PER_QUERY) {
    const chunk = readRefs.slice(i, i + TAGS_PER_QUERY);
    const series = await ports.telemetry.series(tenantId, {
      tagRefs: chunk.map((ref) => ({
        gatewayId: ref.gatewayId,
        deviceKey: ref.deviceKey,
        tagKey: ref.tagKey,
      })),
      from: period.from,
      to: period.to,
      // exactly one bucket per hour, so the store reads its hourly rollups
      maxPoints: hourCount,
      aggregates: ['avg', 'min', 'max', 'first', 'last', 'count'],
    });
    series.forEach((one, index) => {
      const ref = chunk[index];
      if (!ref) return;
      seriesByTag.set(
        ref.tagId,
        one.buckets
          .filter((b) => b.ts >= hourFrom && b.ts < period.to)
          .map((b) => ({
            ts: b.ts,
            avg: b.avg ?? null,
            min: b.min ?? null,
            max: b.max ?? null,
            first: b.first ?? null,
            last: b.last ?? null,
            count: b.count ?? 0,
          })),
      );
    });
  }

  const siteName = new Map(gathered.sites.map((site) => [site.id, site.name]));
  const tagInfo = new Map(gathered.tags.map((tag) => [tag.id, tag]));
  const deviceInfo = new Map(gathered.devices.map((device) => [device.id, device]));
  const reportTag = (ref: TagTelemetryRef, name: string, unit: string): ReportTag => {
    const hours = seriesByTag.get(ref.tagId) ?? [];
    const buckets = toReportBuckets(hours, report.bucket, report.timeZone);
    return {
      id: ref.tagId,
      key: ref.tagKey,
      name,
      // As people write it (°C, m³), not as the PLC tag spells it (degC, m3): issue 19.
      unit: unitSymbol(unit),
      buckets,
      summary: summaryOf(period.from, buckets, hours[0]?.first ?? null),
    };
  };
  const devices = new Map<string, ReportDevice>();
  for (const ref of gathered.refs) {
    // a site's derived tags share one group, under the site (their telemetry "device" is the site)
    const groupId = isDerivedRef(ref) ? `${ref.siteId}/derived` : ref.deviceId;
    let device = devices.get(groupId);
    if (!device) {
      device = {
        id: groupId,
        name: isDerivedRef(ref) ? DERIVED_GROUP_NAME : (deviceInfo.get(ref.deviceId)?.name ?? ref.deviceKey),
        siteName: siteName.get(ref.siteId) ?? '',
        tags: [],
      };
      devices.set(groupId, device);
    }
    device.tags.push(reportTag(ref, tagInfo.get(ref.tagId)?.name ?? ref.name, ref.unit));
  }
  // an asset scope's groups: the asset's path as the heading, its measurements by their names
  const assetDevices: ReportDevice[] = gathered.assetGroups.map((group) => ({
    id: group.id,
    name: group.path,
    siteName: siteName.get(group.siteId) ?? '',
    tags: group.measurements.map(({ name, unit, ref }) => reportTag(ref, name, unit || ref.unit)),
  }));

  let alarms: AlarmSummary | null = null;
  if (gathered.alarms) {
    const rules = new Map(gathered.alarms.rules.map((rule) => [rule.id, rule]));
    const truncated = gathered.alarms.events.length > MAX_ALARM_EVENTS;
    const events = gathered.alarms.events.slice(0, MAX_ALARM_EVENTS);
    const keys = new Map<string, string | null>(events.map((event) => [event.alarmId, event.alarmKey]));
    alarms = summariseAlarms(events, rules, keys, period, truncated);
  }

  return {
    tenantName: gathered.tenant.name,
    reportName: report.name,
    timeZone: report.timeZone,
    period,
    bucket: report.bucket,
    metrics: report.metrics,
    sections: report.sections,
    generatedAt,
    devices: [
      ...[...devices.values()].sort(
        (a, b) => a.siteName.localeCompare(b.siteName) || a.name.localeCompare(b.name),
      ),
      ...assetDevices,
    ],
    alarms,
    alarmKpis: gathered.alarmKpis,
  };
}

/** "12 h 5 min", for durations in tables. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** For labels: the local date-time a bucket starts at. */
export function bucketLabel(ts: number, bucket: 'hour' | 'day', timeZone: string): string {
  const p = localParts(ts, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  return bucket === 'day' ? date : `${date} ${pad(p.hour)}:${pad(p.minute)}`;
}
