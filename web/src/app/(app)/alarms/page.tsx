import {
  type Alarm,
  type AlarmSeverity,
  type AlarmState,
  alarmSeverities,
  alarmStates,
  formatWithUnit,
  idSchema,
} from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getLocale, getTranslations } from 'next-intl/server';
import type { ConsoleRow } from '../../../alarm-console-rows.ts';
import { AlarmConsoleTable } from '../../../components/alarm-console.tsx';
import { AutoRefresh } from '../../../components/alarm-controls.tsx';
import { getPreferences } from '../../../i18n/preferences.ts';
import { getAsset } from '../../../server/asset-data.ts';
import { listSites, listTags } from '../../../server/data.ts';
import { listAllDerivedTags } from '../../../server/derived-tags-data.ts';
import { type ConsoleAlarm, type ConsoleShow, consoleAlarms } from '../../../server/monitoring.ts';
import { can } from '../../../server/viewer.ts';
import { displayUnit } from '../../../units/display.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('alarms.title') };
}

type Search = {
  show?: string;
  severity?: string;
  state?: string;
  siteId?: string;
  assetId?: string;
  q?: string;
};

const SHOWS: readonly ConsoleShow[] = ['active', 'shelved', 'out-of-service', 'history', 'all'];
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
  const show = SHOWS.find((s) => s === search.show) ?? 'active';
  const severity = alarmSeverities.find((s) => s === search.severity);
  const state = alarmStates.find((s) => s === search.state);
  const [sites, tags, derivedTags, locale, { units }] = await Promise.all([
    listSites(),
    listTags(),
    listAllDerivedTags(),
    getLocale(),
    getPreferences(),
  ]);
  const siteId = sites.find((s) => s.id === search.siteId)?.id;
  // a subtree of the asset hierarchy (issue 21); another tenant's or an unknown asset is a 404
  const asset = idSchema.safeParse(search.assetId).success ? await getAsset(search.assetId ?? '') : null;
  const assetId = asset?.id;
  const [{ alarms, elsewhere }, operator, engineer] = await Promise.all([
    consoleAlarms(show, { siteId, assetId, severity, state }),
    can('operator'),
    can('engineer'),
  ]);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  // an alarm on a derived tag reads its value in the derived tag's unit (ADR 0053)
  const unitOf = new Map([...tags, ...derivedTags].map((tag) => [tag.id, tag.unit]));
  const needle = (search.q ?? '').trim().toLowerCase();
  const toRow = (alarm: ConsoleAlarm): ConsoleRow => {
    // The value at the last transition, in the unit the viewer reads this quantity in.
    const shown = displayUnit(alarm.tagId === null ? '' : (unitOf.get(alarm.tagId) ?? ''), units);
    const value = typeof alarm.value === 'number' ? shown.convert(alarm.value) : alarm.value;
    return {
      alarm,
      siteName: siteName.get(alarm.siteId) ?? t('common.noValue'),
      value: formatWithUnit(value, typeof value === 'number' ? shown.unit : '', { locale }),
    };
  };
  const rows = alarms
    .filter((a) => (needle ? a.name.toLowerCase().includes(needle) : true))
    .sort(consoleOrder)
    .map(toRow);
  const filtered = Boolean(severity || state || siteId || assetId || needle);
  return (
    <>
      <h1>{t('alarms.heading')}</h1>
      <p>
        <Link href="/alarms/kpis">{t('alarmKpis.link')}</Link>
      </p>
      <search>
        <form className="filter" action="/alarms" aria-label={t('alarms.filters')}>
          <FilterSelect
            id="alarm-show"
            name="show"
            label={t('alarms.show')}
            value={show}
            options={SHOWS.map((s) => ({ value: s, label: t(`alarms.shows.${s}`) }))}
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
          {asset ? (
            <p className="filter-field">
              <input type="hidden" name="assetId" value={asset.id} />
              {t('assets.consoleFilter', { name: asset.name })}
            </p>
          ) : null}
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
      {/* A new filter starts a new list; within one, rows keep their place until refreshed. */}
      <AlarmConsoleTable
        key={JSON.stringify([show, severity, state, siteId, assetId, needle])}
        rows={rows}
        elsewhere={elsewhere.map(toRow)}
        role={{ operator, engineer }}
        empty={filtered ? t('alarms.noMatch') : t(`alarms.none.${show}`)}
      />
    </>
  );
}
