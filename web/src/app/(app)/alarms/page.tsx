import {
  type Alarm,
  type AlarmSeverity,
  type AlarmState,
  alarmSeverities,
  alarmStates,
} from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { AlarmActions, AutoRefresh, SeverityBadge, StateLabel } from '../../../components/alarm-controls.tsx';
import { LocalTime } from '../../../components/local-time.tsx';
import { listSites } from '../../../server/data.ts';
import { listAlarms } from '../../../server/monitoring.ts';
import { can } from '../../../server/viewer.ts';
import { strings } from '../../../strings.ts';

export const metadata: Metadata = { title: strings.alarms.title };

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

const formatValue = (value: Alarm['value']) => (value === null ? strings.noValue : String(value));

/** One filter of the console: a labelled select, optionally led by "any" (the empty value). */
function FilterSelect(props: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  any?: boolean;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <div className="filter-field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} defaultValue={props.value ?? ''}>
        {props.any ? <option value="">{strings.alarms.anyOption}</option> : null}
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
      <h1>{strings.alarms.heading}</h1>
      <search>
        <form className="filter" action="/alarms" aria-label={strings.alarms.filters}>
          <FilterSelect
            id="alarm-show"
            name="show"
            label={strings.alarms.show}
            value={show}
            options={[
              { value: 'active', label: strings.alarms.showActive },
              { value: 'history', label: strings.alarms.showHistory },
              { value: 'all', label: strings.alarms.showAll },
            ]}
          />
          <FilterSelect
            id="alarm-severity"
            name="severity"
            label={strings.alarms.severity}
            value={severity}
            any
            options={alarmSeverities.map((s) => ({ value: s, label: strings.alarms.severities[s] }))}
          />
          <FilterSelect
            id="alarm-state"
            name="state"
            label={strings.alarms.state}
            value={state}
            any
            options={alarmStates.map((s) => ({ value: s, label: strings.alarms.states[s] }))}
          />
          <FilterSelect
            id="alarm-site"
            name="siteId"
            label={strings.alarms.site}
            value={siteId}
            any
            options={sites.map((s) => ({ value: s.id, label: s.name }))}
          />
          <div className="filter-field">
            <label htmlFor="alarm-q">{strings.alarms.search}</label>
            <input
              id="alarm-q"
              name="q"
              type="search"
              defaultValue={search.q ?? ''}
              placeholder={strings.alarms.searchPlaceholder}
            />
          </div>
          <button type="submit">{strings.alarms.filter}</button>
          {filtered || show !== 'active' ? <Link href="/alarms">{strings.alarms.clear}</Link> : null}
        </form>
      </search>
      {operator ? null : <p className="notice">{strings.alarms.readOnly}</p>}
      <AutoRefresh everyMs={5_000} />
      {shown.length === 0 ? (
        <section className="empty">
          <p>
            {filtered
              ? strings.alarms.noMatch
              : show === 'all'
                ? strings.alarms.noneAll
                : show === 'history'
                  ? strings.alarms.noneHistory
                  : strings.alarms.none}
          </p>
        </section>
      ) : (
        <div className="table-wrap">
          <table className="alarm-table">
            <caption className="muted">{strings.alarms.count(shown.length)}</caption>
            <thead>
              <tr>
                <th scope="col">{strings.alarms.columns.severity}</th>
                <th scope="col">{strings.alarms.columns.alarm}</th>
                <th scope="col" className="wide-only">
                  {strings.alarms.columns.site}
                </th>
                <th scope="col">{strings.alarms.columns.state}</th>
                <th scope="col" className="num wide-only">
                  {strings.alarms.columns.value}
                </th>
                <th scope="col">{strings.alarms.columns.since}</th>
                <th scope="col">{strings.alarms.columns.actions}</th>
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
                      {siteName.get(alarm.siteId) ?? strings.noValue}
                    </Link>
                  </td>
                  <td>
                    <StateLabel alarm={alarm} />
                  </td>
                  <td className="num wide-only">{formatValue(alarm.value)}</td>
                  <td>
                    {alarm.activeSince ? <LocalTime iso={alarm.activeSince} seconds /> : strings.noValue}
                  </td>
                  <td>
                    <AlarmActions alarm={alarm} role={{ operator, engineer }}>
                      <Link href={`/alarms/${alarm.ruleId}`}>{strings.alarms.history}</Link>
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
