// Alarm-system KPIs (issue 17, ADR 0049): GET /v1/alarm-kpis. The store counts the journal; this turns
// the counts into ISA-18.2's figures (rates per 10 minutes, flood share, top-10 share) and names.
import {
  ALARM_KPI_TARGETS,
  type AlarmKpis,
  type AlarmKpisQuery,
  type AlarmRate,
  CHATTER_RAISES,
  CHATTER_WINDOW_MS,
  FLOOD_RAISES,
  ForbiddenError,
  KPI_INTERVAL_MS,
  NotFoundError,
  STALE_AFTER_MS,
  TOP_ALARMS,
} from '@plantwatch/shared';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { canSeeSite, type Principal, seesWholeSite } from '../platform/principal.ts';
import type { AlarmKpiRepositories, AlarmRateRow, JournalAlarmRef } from './kpi-ports.ts';

export interface AlarmKpiDeps {
  store: TenantStore<AlarmKpiRepositories>;
}

/** Chattering and stale alarms listed at most (the counts behind the targets are zero anyway). */
export const KPI_LIST_LIMIT = 50;

const levelLabels: Record<string, string> = { hihi: 'HiHi', hi: 'Hi', lo: 'Lo', lolo: 'LoLo' };

/** The alarm's name as the alarm list shows it: the level's own name, or "<rule> HiHi". */
export function alarmNameOf(ref: JournalAlarmRef): string {
  if (ref.levelName) return ref.levelName;
  const label = levelLabels[ref.key];
  return label ? `${ref.ruleName} ${label}` : ref.ruleName;
}

const refOf = (ref: JournalAlarmRef) => ({
  alarmId: ref.alarmId,
  ruleId: ref.ruleId,
  siteId: ref.siteId,
  key: ref.key,
  name: alarmNameOf(ref),
});

/** Two decimals: a KPI is read, not computed with further. */
const round = (value: number) => Math.round(value * 100) / 100;

function rateOf(row: AlarmRateRow | undefined, intervals: number, from: number): AlarmRate {
  if (!row || row.raises === 0) {
    return {
      raises: 0,
      averagePer10Min: 0,
      peakPer10Min: 0,
      peakAt: null,
      floodIntervals: 0,
      floodPercent: 0,
    };
  }
  return {
    raises: row.raises,
    averagePer10Min: round(row.raises / intervals),
    peakPer10Min: row.peak,
    peakAt: new Date(from + row.peakInterval * KPI_INTERVAL_MS).toISOString(),
    floodIntervals: row.floodIntervals,
    floodPercent: round((row.floodIntervals / intervals) * 100),
  };
}

/**
 * The sites the figures cover: the one asked for, or every site the caller sees whole. A site is an
 * operator position: a caller limited to areas of a site does not see that site's load, so is refused
 * the site (403) and it is left out of the tenant's figures.
 */
function scopeOf(principal: Principal, siteId: string | undefined): readonly string[] | null {
  if (siteId !== undefined) {
    if (!canSeeSite(principal, siteId)) throw new NotFoundError('site not found');
    if (!seesWholeSite(principal, siteId)) {
      throw new ForbiddenError('alarm-system KPIs cover a whole site; you see only areas of this site');
    }
    return [siteId];
  }
  if (principal.areas) return principal.areas.wholeSiteIds;
  return principal.siteIds;
}

export async function getAlarmKpis(
  deps: AlarmKpiDeps,
  principal: Principal,
  query: AlarmKpisQuery,
): Promise<AlarmKpis> {
  const siteIds = scopeOf(principal, query.siteId);
  const range = { from: Date.parse(query.from), to: Date.parse(query.to) };
  const kpis = await deps.store.inTenant(principal.tenantId, (repos) =>
    computeAlarmKpis(repos, siteIds, range, query.siteId ?? null),
  );
  if (query.siteId !== undefined && kpis.sites.length === 0) throw new NotFoundError('site not found');
  return kpis;
}

/**
 * The KPIs of these sites (null: every site of the tenant) over [from, to), inside the caller's tenant
 * transaction: the API's and a scheduled report's figures are the same computation.
 */
export async function computeAlarmKpis(
  repos: AlarmKpiRepositories,
  siteIds: readonly string[] | null,
  { from, to }: { from: number; to: number },
  siteId: string | null,
): Promise<AlarmKpis> {
  const figures = await repos.alarmKpis.compute({
    from: new Date(from),
    to: new Date(to),
    siteIds,
    intervalMs: KPI_INTERVAL_MS,
    floodRaises: FLOOD_RAISES,
    chatterRaises: CHATTER_RAISES,
    chatterWindowMs: CHATTER_WINDOW_MS,
    staleAfterMs: STALE_AFTER_MS,
    top: TOP_ALARMS,
    listLimit: KPI_LIST_LIMIT,
  });
  const intervals = Math.ceil((to - from) / KPI_INTERVAL_MS);
  const bySite = new Map(figures.rates.map((row) => [row.siteId, row]));
  const total = rateOf(bySite.get(null), intervals, from);
  const share = (raises: number) => (total.raises === 0 ? 0 : round((raises / total.raises) * 100));
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    siteId,
    intervals,
    total,
    sites: figures.sites.map((site) => ({
      siteId: site.siteId,
      name: site.name,
      ...rateOf(bySite.get(site.siteId), intervals, from),
    })),
    topAlarms: figures.top.map((alarm) => ({
      ...refOf(alarm),
      raises: alarm.raises,
      percentOfRaises: share(alarm.raises),
    })),
    topTenPercent: share(figures.top.reduce((sum, alarm) => sum + alarm.raises, 0)),
    chattering: figures.chattering.map((alarm) => ({
      ...refOf(alarm),
      episodes: alarm.episodes,
      raises: alarm.raises,
    })),
    stale: figures.stale.map((alarm) => ({
      ...refOf(alarm),
      activeSince: alarm.activeSince.toISOString(),
      hours: round((to - alarm.activeSince.getTime()) / 3_600_000),
    })),
    acknowledge: {
      raises: figures.acknowledge.raises,
      acknowledged: figures.acknowledge.acknowledged,
      medianSeconds:
        figures.acknowledge.medianSeconds === null ? null : round(figures.acknowledge.medianSeconds),
      p90Seconds: figures.acknowledge.p90Seconds === null ? null : round(figures.acknowledge.p90Seconds),
    },
    targets: { ...ALARM_KPI_TARGETS },
  };
}
