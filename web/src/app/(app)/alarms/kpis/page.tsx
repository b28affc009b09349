import type { AlarmKpis } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { LocalTime } from '../../../../components/local-time.tsx';
import { getAlarmKpis } from '../../../../server/alarm-kpis-data.ts';
import { listSites } from '../../../../server/data.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('alarmKpis');
  return { title: t('title') };
}

const RANGES = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
type RangeKey = keyof typeof RANGES;
const RANGE_KEYS = Object.keys(RANGES) as RangeKey[];
type Verdict = 'ok' | 'manageable' | 'over';

/** ISA-18.2's targets (Table 16.5), judged for the figures on screen. */
function verdicts(kpis: AlarmKpis): Record<string, Verdict> {
  const { total, targets } = kpis;
  const atMost = (value: number, target: number): Verdict => (value <= target ? 'ok' : 'over');
  return {
    average:
      total.averagePer10Min <= targets.averagePer10Min
        ? 'ok'
        : total.averagePer10Min <= targets.averagePer10MinManageable
          ? 'manageable'
          : 'over',
    peak: atMost(total.peakPer10Min, targets.peakPer10Min),
    flood: total.floodPercent < targets.floodPercent ? 'ok' : 'over',
    top: atMost(kpis.topTenPercent, targets.topTenPercent),
    chattering: atMost(kpis.chattering.length, targets.chattering),
    stale: atMost(kpis.stale.length, targets.stale),
  };
}

/** Alarm-system KPIs (ISA-18.2, EEMUA 191) over a range, per site and for every site the viewer sees. */
export default async function AlarmKpisPage(props: {
  searchParams: Promise<{ range?: string; siteId?: string }>;
}) {
  const search = await props.searchParams;
  const [t, format, sites] = await Promise.all([getTranslations('alarmKpis'), getFormatter(), listSites()]);
  const range: RangeKey = RANGE_KEYS.find((key) => key === search.range) ?? '7d';
  const siteId = sites.find((site) => site.id === search.siteId)?.id;
  // a whole minute, so a reload within it asks the same question
  const to = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const from = new Date(to.getTime() - RANGES[range] * 86_400_000);
  const kpis = await getAlarmKpis({ from: from.toISOString(), to: to.toISOString(), siteId });
  const verdict = verdicts(kpis);
  const siteName = new Map(sites.map((site) => [site.id, site.name]));
  const num = (value: number) => format.number(value, { maximumFractionDigits: 2 });
  const badge = (key: string) => (
    <span className={`badge kpi-${verdict[key]}`} data-kpi-verdict={verdict[key]}>
      {t(`verdicts.${verdict[key] ?? 'ok'}`)}
    </span>
  );
  const seconds = (value: number | null) =>
    value === null ? t('none') : t('seconds', { value: num(value) });
  return (
    <>
      <h1>{t('heading')}</h1>
      <p>{t('intro')}</p>
      <search>
        <form className="filter" action="/alarms/kpis" aria-label={t('filters')}>
          <div className="filter-field">
            <label htmlFor="kpi-range">{t('range')}</label>
            <select id="kpi-range" name="range" defaultValue={range}>
              {RANGE_KEYS.map((key) => (
                <option key={key} value={key}>
                  {t(`ranges.${key}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="filter-field">
            <label htmlFor="kpi-site">{t('site')}</label>
            <select id="kpi-site" name="siteId" defaultValue={siteId ?? ''}>
              <option value="">{t('allSites')}</option>
              {sites.map((site) => (
                <option key={site.id} value={site.id}>
                  {site.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t('show')}</button>
          <Link href="/alarms">{t('backToAlarms')}</Link>
        </form>
      </search>
      <p className="muted">
        {t('period', {
          from: format.dateTime(from, { dateStyle: 'medium', timeStyle: 'short' }),
          to: format.dateTime(to, { dateStyle: 'medium', timeStyle: 'short' }),
        })}{' '}
        {siteId ? t('scopeSite', { name: siteName.get(siteId) ?? '' }) : t('scopeAll')}
      </p>

      <section aria-labelledby="kpi-figures">
        <h2 id="kpi-figures">{t('figures')}</h2>
        <div className="table-wrap">
          <table aria-label={t('figuresTable')}>
            <thead>
              <tr>
                <th scope="col">{t('columns.kpi')}</th>
                <th scope="col" className="num">
                  {t('columns.value')}
                </th>
                <th scope="col">{t('columns.verdict')}</th>
                <th scope="col">{t('columns.target')}</th>
              </tr>
            </thead>
            <tbody>
              <tr data-kpi="average">
                <th scope="row">{t('kpis.average')}</th>
                <td className="num">{num(kpis.total.averagePer10Min)}</td>
                <td>{badge('average')}</td>
                <td>{t('targets.average')}</td>
              </tr>
              <tr data-kpi="peak">
                <th scope="row">{t('kpis.peak')}</th>
                <td className="num">
                  {num(kpis.total.peakPer10Min)}
                  {kpis.total.peakAt ? (
                    <>
                      <br />
                      <small className="muted">
                        <LocalTime iso={kpis.total.peakAt} />
                      </small>
                    </>
                  ) : null}
                </td>
                <td>{badge('peak')}</td>
                <td>{t('targets.peak')}</td>
              </tr>
              <tr data-kpi="flood">
                <th scope="row">{t('kpis.flood')}</th>
                <td className="num">
                  {t('percent', { value: num(kpis.total.floodPercent) })}
                  <br />
                  <small className="muted">{t('floodIntervals', { count: kpis.total.floodIntervals })}</small>
                </td>
                <td>{badge('flood')}</td>
                <td>{t('targets.flood')}</td>
              </tr>
              <tr data-kpi="top">
                <th scope="row">{t('kpis.top')}</th>
                <td className="num">{t('percent', { value: num(kpis.topTenPercent) })}</td>
                <td>{badge('top')}</td>
                <td>{t('targets.top')}</td>
              </tr>
              <tr data-kpi="chattering">
                <th scope="row">{t('kpis.chattering')}</th>
                <td className="num">{num(kpis.chattering.length)}</td>
                <td>{badge('chattering')}</td>
                <td>{t('targets.chattering')}</td>
              </tr>
              <tr data-kpi="stale">
                <th scope="row">{t('kpis.stale')}</th>
                <td className="num">{num(kpis.stale.length)}</td>
                <td>{badge('stale')}</td>
                <td>{t('targets.stale')}</td>
              </tr>
              <tr data-kpi="acknowledge">
                <th scope="row">{t('kpis.acknowledge')}</th>
                <td className="num">
                  {kpis.acknowledge.medianSeconds === null
                    ? t('none')
                    : t('ackTimes', {
                        median: seconds(kpis.acknowledge.medianSeconds),
                        p90: seconds(kpis.acknowledge.p90Seconds),
                      })}
                  <br />
                  <small className="muted">
                    {t('acknowledged', {
                      acked: kpis.acknowledge.acknowledged,
                      raises: kpis.acknowledge.raises,
                    })}
                  </small>
                </td>
                <td />
                <td>{t('targets.acknowledge')}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <p className="muted">{t('perOperator')}</p>
      </section>

      <section aria-labelledby="kpi-sites">
        <h2 id="kpi-sites">{t('sitesHeading')}</h2>
        <div className="table-wrap">
          <table aria-label={t('sitesHeading')}>
            <thead>
              <tr>
                <th scope="col">{t('columns.site')}</th>
                <th scope="col" className="num">
                  {t('columns.raises')}
                </th>
                <th scope="col" className="num">
                  {t('columns.average')}
                </th>
                <th scope="col" className="num">
                  {t('columns.peak')}
                </th>
                <th scope="col" className="num">
                  {t('columns.flood')}
                </th>
              </tr>
            </thead>
            <tbody>
              {kpis.sites.map((site) => (
                <tr key={site.siteId}>
                  <th scope="row">{site.name}</th>
                  <td className="num">{num(site.raises)}</td>
                  <td className="num">{num(site.averagePer10Min)}</td>
                  <td className="num">{num(site.peakPer10Min)}</td>
                  <td className="num">{t('percent', { value: num(site.floodPercent) })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="kpi-top">
        <h2 id="kpi-top">{t('topHeading')}</h2>
        {kpis.topAlarms.length === 0 ? (
          <p className="muted">{t('noRaises')}</p>
        ) : (
          <div className="table-wrap">
            <table aria-label={t('topHeading')}>
              <thead>
                <tr>
                  <th scope="col">{t('columns.alarm')}</th>
                  <th scope="col">{t('columns.site')}</th>
                  <th scope="col" className="num">
                    {t('columns.raises')}
                  </th>
                  <th scope="col" className="num">
                    {t('columns.share')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {kpis.topAlarms.map((alarm) => (
                  <tr key={alarm.alarmId}>
                    <th scope="row">
                      <Link href={`/alarms/${alarm.ruleId}`}>{alarm.name}</Link>
                    </th>
                    <td>{siteName.get(alarm.siteId) ?? ''}</td>
                    <td className="num">{num(alarm.raises)}</td>
                    <td className="num">{t('percent', { value: num(alarm.percentOfRaises) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="kpi-chattering">
        <h2 id="kpi-chattering">{t('chatteringHeading')}</h2>
        <p className="muted">{t('chatteringRule')}</p>
        {kpis.chattering.length === 0 ? (
          <p className="ok">{t('noChattering')}</p>
        ) : (
          <div className="table-wrap">
            <table aria-label={t('chatteringHeading')}>
              <thead>
                <tr>
                  <th scope="col">{t('columns.alarm')}</th>
                  <th scope="col">{t('columns.site')}</th>
                  <th scope="col" className="num">
                    {t('columns.episodes')}
                  </th>
                  <th scope="col" className="num">
                    {t('columns.raises')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {kpis.chattering.map((alarm) => (
                  <tr key={alarm.alarmId}>
                    <th scope="row">
                      <Link href={`/alarms/${alarm.ruleId}`}>{alarm.name}</Link>
                    </th>
                    <td>{siteName.get(alarm.siteId) ?? ''}</td>
                    <td className="num">{num(alarm.episodes)}</td>
                    <td className="num">{num(alarm.raises)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="kpi-stale">
        <h2 id="kpi-stale">{t('staleHeading')}</h2>
        {kpis.stale.length === 0 ? (
          <p className="ok">{t('noStale')}</p>
        ) : (
          <div className="table-wrap">
            <table aria-label={t('staleHeading')}>
              <thead>
                <tr>
                  <th scope="col">{t('columns.alarm')}</th>
                  <th scope="col">{t('columns.site')}</th>
                  <th scope="col">{t('columns.activeSince')}</th>
                  <th scope="col" className="num">
                    {t('columns.hours')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {kpis.stale.map((alarm) => (
                  <tr key={alarm.alarmId}>
                    <th scope="row">
                      <Link href={`/alarms/${alarm.ruleId}`}>{alarm.name}</Link>
                    </th>
                    <td>{siteName.get(alarm.siteId) ?? ''}</td>
                    <td>
                      <LocalTime iso={alarm.activeSince} />
                    </td>
                    <td className="num">{num(alarm.hours)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
