// The fleet table's order, chosen by its column headings (issue 19: tables with sorting). By default
// the sites that need someone most come first: the highest unacknowledged severity, then how many wait,
// then how many are active; the name breaks ties so the order never shuffles between refreshes.
import type { AlarmSeverity } from '@plantwatch/shared';
import type { SiteStatus } from './fleet-status.ts';

export const fleetSortKeys = ['alarms', 'site', 'gateways', 'lastData'] as const;
export type FleetSortKey = (typeof fleetSortKeys)[number];
export type SortDirection = 'asc' | 'desc';

export interface FleetSort {
  key: FleetSortKey;
  direction: SortDirection;
}

/** Each column's first direction when chosen: the most urgent, the least online, the most recent first. */
export const firstDirection: Record<FleetSortKey, SortDirection> = {
  alarms: 'desc',
  site: 'asc',
  gateways: 'asc',
  lastData: 'desc',
};

export const defaultFleetSort: FleetSort = { key: 'alarms', direction: 'desc' };

/** The sort a URL asks for (?sort=site&dir=asc); anything else is the default. */
export function parseFleetSort(sort: string | undefined, dir: string | undefined): FleetSort {
  const key = fleetSortKeys.find((k) => k === sort);
  if (!key) return defaultFleetSort;
  const direction = dir === 'asc' || dir === 'desc' ? dir : firstDirection[key];
  return { key, direction };
}

const SEVERITY_WEIGHT: Record<AlarmSeverity, number> = { critical: 4, high: 3, medium: 2, low: 1 };
const activeTotal = (status: SiteStatus) => Object.values(status.activeAlarms).reduce((sum, n) => sum + n, 0);

/** Ascending comparisons per column; a direction of desc reverses the column but not the name's tie-break. */
const compareBy: Record<FleetSortKey, (a: SiteStatus, b: SiteStatus) => number> = {
  alarms: (a, b) =>
    (a.worstUnacked ? SEVERITY_WEIGHT[a.worstUnacked] : 0) -
      (b.worstUnacked ? SEVERITY_WEIGHT[b.worstUnacked] : 0) ||
    a.unacked - b.unacked ||
    activeTotal(a) - activeTotal(b),
  site: () => 0,
  // The share online, so a site with 1 of 3 online comes before one with 2 of 3; none at all last.
  gateways: (a, b) =>
    (a.gateways ? a.gatewaysOnline / a.gateways : 2) - (b.gateways ? b.gatewaysOnline / b.gateways : 2),
  // A site that never reported is the oldest of all.
  lastData: (a, b) =>
    a.lastDataTs === b.lastDataTs
      ? 0
      : a.lastDataTs === null
        ? -1
        : b.lastDataTs === null
          ? 1
          : a.lastDataTs - b.lastDataTs,
};

export function sortFleet(statuses: readonly SiteStatus[], sort: FleetSort, locale: string): SiteStatus[] {
  const names = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...statuses].sort((a, b) => {
    const byColumn = compareBy[sort.key](a, b) * sign;
    if (byColumn !== 0) return byColumn;
    const byName = names.compare(a.site.name, b.site.name);
    return sort.key === 'site' ? byName * sign : byName;
  });
}
