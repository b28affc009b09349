import { alarmSeverities } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { FleetRefresh } from '../../../components/fleet-refresh.tsx';
import { LocalTime } from '../../../components/local-time.tsx';
import { SiteAlarmSummary } from '../../../components/site-alarm-summary.tsx';
import { type MapSite, SiteMap } from '../../../components/site-map.tsx';
import { SortableHeader } from '../../../components/sortable-header.tsx';
import { type FleetSortKey, firstDirection, parseFleetSort, sortFleet } from '../../../fleet-sort.ts';
import type { SiteStatus } from '../../../fleet-status.ts';
import { serverConfig } from '../../../server/config.ts';
import { listSites } from '../../../server/data.ts';
import { fleetStatus } from '../../../server/monitoring.ts';
import { can, getViewer } from '../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('fleet.title') };
}

const statusFilters = ['all', 'alarms', 'offline'] as const;
type StatusFilter = (typeof statusFilters)[number];

/** Tiles only when configured; attributed as the tile server asks, or at least by its host. */
function mapTiles() {
  const { MAP_TILE_URL: url, MAP_TILE_ATTRIBUTION: attribution } = serverConfig();
  return url ? { url, attribution: attribution ?? new URL(url).host } : undefined;
}

const activeCount = (status: SiteStatus) =>
  alarmSeverities.reduce((sum, severity) => sum + status.activeAlarms[severity], 0);

const matchesStatus = (status: SiteStatus, filter: StatusFilter) =>
  filter === 'alarms'
    ? activeCount(status) > 0 || status.unacked > 0
    : filter === 'offline'
      ? status.gatewaysOnline < status.gateways
      : true;

export default async function FleetPage(props: {
  searchParams: Promise<{ q?: string; status?: string; welcome?: string; sort?: string; dir?: string }>;
}) {
  const [t, locale] = await Promise.all([getTranslations(), getLocale()]);
  const { q = '', welcome, status, sort: sortParam, dir } = await props.searchParams;
  const statusFilter = statusFilters.find((s) => s === status) ?? 'all';
  const sort = parseFleetSort(sortParam, dir);
  const [viewer, sites, engineer] = await Promise.all([getViewer(), listSites(), can('engineer')]);
  const needle = q.trim().toLowerCase();
  const named = needle
    ? sites.filter((site) => `${site.name} ${site.description}`.toLowerCase().includes(needle))
    : sites;
  const statuses = await fleetStatus(named);
  const shown = sortFleet(
    statuses.filter((s) => matchesStatus(s, statusFilter)),
    sort,
    locale,
  );
  // What a sorting heading keeps of the page's address (the filter), beside its own sort.
  const kept: Record<string, string> = {
    ...(q ? { q } : {}),
    ...(statusFilter !== 'all' ? { status: statusFilter } : {}),
  };
  const heading = (column: FleetSortKey, label: ReactNode) => (
    <SortableHeader column={column} sort={sort} firstDirection={firstDirection[column]} params={kept}>
      {label}
    </SortableHeader>
  );
  const mapped: MapSite[] = shown.flatMap(({ site, ...rest }) =>
    site.location
      ? [
          {
            id: site.id,
            name: site.name,
            latitude: site.location.latitude,
            longitude: site.location.longitude,
            worst: rest.worstUnacked,
          },
        ]
      : [],
  );
  return (
    <>
      <h1>{t('fleet.heading')}</h1>
      {welcome ? <p className="notice">{t('fleet.welcome', { tenant: viewer.tenant.name })}</p> : null}
      {sites.length === 0 ? (
        <section className="empty" aria-labelledby="empty-heading">
          <h2 id="empty-heading">{t('fleet.emptyHeading')}</h2>
          <p>{engineer ? t('fleet.emptyText') : t('fleet.emptyTextViewer')}</p>
          {engineer ? (
            <Link className="button" href="/config/sites">
              {t('fleet.addSite')}
            </Link>
          ) : null}
        </section>
      ) : (
        <>
          <search>
            <form className="filter" action="/fleet">
              <div className="filter-field">
                <label htmlFor="fleet-filter">{t('fleet.filterLabel')}</label>
                <input
                  id="fleet-filter"
                  name="q"
                  type="search"
                  defaultValue={q}
                  placeholder={t('fleet.filterPlaceholder')}
                />
              </div>
              <div className="filter-field">
                <label htmlFor="fleet-status">{t('fleet.filterStatus')}</label>
                <select id="fleet-status" name="status" defaultValue={statusFilter}>
                  {statusFilters.map((s) => (
                    <option key={s} value={s}>
                      {t(`fleet.statuses.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
              {sortParam ? <input type="hidden" name="sort" value={sort.key} /> : null}
              {sortParam ? <input type="hidden" name="dir" value={sort.direction} /> : null}
              <button type="submit">{t('fleet.filter')}</button>
              {q || statusFilter !== 'all' ? <Link href="/fleet">{t('fleet.clearFilter')}</Link> : null}
            </form>
          </search>
          <FleetRefresh />
          {shown.length === 0 ? (
            <p>{t('fleet.noMatch', { q: q || t(`fleet.statuses.${statusFilter}`) })}</p>
          ) : (
            <div className="table-wrap">
              <table className="fleet-table">
                <thead>
                  <tr>
                    {heading('site', t('fleet.columns.site'))}
                    {heading(
                      'gateways',
                      <abbr title={t('fleet.gatewaysHint')}>{t('fleet.columns.gateways')}</abbr>,
                    )}
                    {heading('alarms', t('fleet.columns.alarms'))}
                    {heading('lastData', t('fleet.columns.lastData'))}
                    <th scope="col" className="wide-only">
                      {t('fleet.columns.timeZone')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((row) => (
                    <tr key={row.site.id}>
                      <th scope="row">
                        <Link href={`/sites/${row.site.id}`}>{row.site.name}</Link>
                        {row.site.description ? <div className="muted">{row.site.description}</div> : null}
                      </th>
                      <td
                        className={row.gatewaysOnline < row.gateways ? 'warn' : undefined}
                        data-label={t('fleet.columns.gateways')}
                      >
                        {t('fleet.gatewaysOnline', { online: row.gatewaysOnline, total: row.gateways })}
                      </td>
                      <td data-label={t('fleet.columns.alarms')}>
                        <SiteAlarmSummary status={row} />
                      </td>
                      <td data-label={t('fleet.columns.lastData')}>
                        {row.lastDataTs === null ? (
                          <span className="muted">{t('common.noDataYet')}</span>
                        ) : (
                          <LocalTime iso={new Date(row.lastDataTs).toISOString()} seconds />
                        )}
                      </td>
                      <td className="wide-only">{row.site.timeZone}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{t('fleet.mapHeading')}</h2>
          {mapped.length ? (
            <SiteMap sites={mapped} tiles={mapTiles()} />
          ) : (
            <p className="muted">{t('fleet.noCoordinates')}</p>
          )}
        </>
      )}
    </>
  );
}
