import {
  type Alarm,
  type AlarmSeverity,
  type AlarmState,
  alarmSeverities,
  alarmStates,
} from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { AlarmActions, AutoRefresh, SeverityBadge, StateLabel } from '../../../components/alarm-controls.tsx';
import { LocalTime } from '../../../components/local-time.tsx';
import { listSites } from '../../../server/data.ts';
import { listAlarms } from '../../../server/monitoring.ts';
import { can } from '../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('alarms.title') };
}

type Search = { show?: string; severity?: string; state?: string; siteId?: string; q?: string };

const SEVERITY_RANK: Record<AlarmSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const STATE_RANK: Record<AlarmState, number> = {
  'active-unacked': 0,
  'cleared-unacked': 1,
  'active-acked': 2,
  normal: 3,
};

/** Unacknowledged first, then by severity, then newest: what an operator must look at comes first. */
const consoleOrder = (a: Alarm, b: Alarm) =>
  STATE_RANK[a.state] - STATE_RANK[b.state] ||
  SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
  b.updatedAt.localeCompare(a.updatedAt);

/** One filter of the console: a labelled select, optionally led by "any" (the empty value). */
function FilterSelect(props: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  any?: boolean;
  options: readonly { value: string; label: string }[];
}) {
  const t = useTranslations();
  return (
    <div className="filter-field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} defaultValue={props.value ?? ''}>
        {props.any ? <option value="">{t('alarms.anyOption')}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export default async function AlarmsPage(props: { searchParams: Promise<Search> }) {
  const t = await getTranslations();
  const search = await props.searchParams;
  const show = search.show === 'all' || search.show === 'history' ? search.show : 'active';
  const severity = alarmSeverities.find((s) => s === search.severity);
  const state = alarmStates.find((s) => s === search.state);
  const sites = await listSites();
  const siteId = sites.find((s) => s.id === search.siteId)?.id;
  const [alarms, operator, engineer] = await Promise.all([
    listAlarms({ status: show, siteId, severity, state }),
    can('operator'),
    can('engineer'),
  ]);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const needle = (search.q ?? '').trim().toLowerCase();
  const shown = alarms
    .filter((a) => (needle ? a.name.toLowerCase().includes(needle) : true))
    .sort(consoleOrder);
  const filtered = Boolean(severity || state || siteId || needle);
  return (
    <>
      <h1>{t('alarms.heading')}</h1>
      <search>
        <form className="filter" action="/alarms" aria-label={t('alarms.filters')}>
          <FilterSelect
            id="alarm-show"
            name="show"
            label={t('alarms.show')}
            value={show}
            options={[
              { value: 'active', label: t('alarms.showActive') },
              { value: 'history', label: t('alarms.showHistory') },
              { value: 'all', label: t('alarms.showAll') },
            ]}
          />
          <FilterSelect
            id="alarm-severity"
            name="severity"
            label={t('alarms.severity')}
            value={severity}
            any
            options={alarmSeverities.map((s) => ({ value: s, label: t(`alarms.severities.${s}`) }))}
          />
          <FilterSelect
            id="alarm-state"
            name="state"
            label={t('alarms.state')}
            value={state}
            any
            options={alarmStates.map((s) => ({ value: s, label: t(`alarms.states.${s}`) }))}
          />
          <FilterSelect
            id="alarm-site"
            name="siteId"
            label={t('alarms.site')}
            value={siteId}
            any
            options={sites.map((s) => ({ value: s.id, label: s.name }))}
          />
          <div className="filter-field">
            <label htmlFor="alarm-q">{t('alarms.search')}</label>
            <input
              id="alarm-q"
              name="q"
              type="search"
              defaultValue={search.q ?? ''}
              placeholder={t('alarms.searchPlaceholder')}
            />
          </div>
          <button type="submit">{t('alarms.filter')}</button>
          {filtered || show !== 'active' ? <Link href="/alarms">{t('alarms.clear')}</Link> : null}
        </form>
      </search>
      {operator ? null : <p className="notice">{t('alarms.readOnly')}</p>}
      <AutoRefresh everyMs={5_000} />
      {shown.length === 0 ? (
        <section className="empty">
          <p>
            {filtered
              ? t('alarms.noMatch')
              : show === 'all'
                ? t('alarms.noneAll')
                : show === 'history'
                  ? t('alarms.noneHistory')
                  : t('alarms.none')}
          </p>
        </section>
      ) : (
        <div className="table-wrap">
          <table className="alarm-table">
            <caption className="muted">{t('alarms.count', { n: shown.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('alarms.columns.severity')}</th>
                <th scope="col">{t('alarms.columns.alarm')}</th>
                <th scope="col" className="wide-only">
                  {t('alarms.columns.site')}
                </th>
                <th scope="col">{t('alarms.columns.state')}</th>
                <th scope="col" className="num wide-only">
                  {t('alarms.columns.value')}
                </th>
                <th scope="col">{t('alarms.columns.since')}</th>
                <th scope="col">{t('alarms.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((alarm) => (
                <tr key={alarm.id} className={`severity-row severity-${alarm.severity}`}>
                  <td>
                    <SeverityBadge severity={alarm.severity} />
                  </td>
                  <th scope="row">
                    <Link href={`/alarms/${alarm.ruleId}`}>{alarm.name}</Link>
                  </th>
                  <td className="wide-only">
                    <Link href={`/sites/${alarm.siteId}`}>
                      {siteName.get(alarm.siteId) ?? t('common.noValue')}
                    </Link>
                  </td>
                  <td>
                    <StateLabel alarm={alarm} />
                  </td>
                  <td className="num wide-only">
                    {alarm.value === null ? t('common.noValue') : String(alarm.value)}
                  </td>
                  <td>
                    {alarm.activeSince ? <LocalTime iso={alarm.activeSince} seconds /> : t('common.noValue')}
                  </td>
                  <td>
                    <AlarmActions alarm={alarm} role={{ operator, engineer }}>
                      <Link href={`/alarms/${alarm.ruleId}`}>{t('alarms.history')}</Link>
                    </AlarmActions>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
