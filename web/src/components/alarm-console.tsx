'use client';
// The alarm console's table. Rows keep their place while the page refreshes itself and after an
// acknowledgement (nothing jumps away under the cursor); alarms that left the list stay, greyed, and
// new ones come in at the top, until the operator presses "Refresh the list".
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { type ConsoleRow, mergeInPlace, type ShownRow } from '../alarm-console-rows.ts';
import { AlarmActions, SeverityBadge, StateLabel } from './alarm-controls.tsx';
import { LocalTime } from './local-time.tsx';

export function AlarmConsoleTable(props: {
  rows: ConsoleRow[];
  /** The same alarms outside this list (e.g. shelved ones, for the active list), for rows that leave it. */
  elsewhere: ConsoleRow[];
  role: { operator: boolean; engineer: boolean };
  /** Said when the list has no rows. */
  empty: string;
}) {
  const t = useTranslations('alarms');
  const [shown, setShown] = useState<ShownRow[]>(props.rows);
  const [seen, setSeen] = useState(props.rows);
  // New rows from the server (its periodic refresh, or after an action) merge into what is shown.
  if (seen !== props.rows) {
    setSeen(props.rows);
    setShown((current) => mergeInPlace(current, props.rows, props.elsewhere));
  }
  const changes = shown.filter((row) => row.gone || row.fresh).length;
  if (shown.length === 0) {
    return (
      <section className="empty">
        <p>{props.empty}</p>
      </section>
    );
  }

  return (
    <>
      <p className="console-refresh">
        <button type="button" className="secondary" onClick={() => setShown(props.rows)}>
          {t('refreshList')}
        </button>{' '}
        <span className="muted" role="status">
          {changes ? t('changesWaiting', { n: changes }) : t('upToDate')}
        </span>
      </p>
      <div className="table-wrap">
        <table className="alarm-table">
          <caption className="muted">{t('count', { n: shown.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('columns.severity')}</th>
              <th scope="col">{t('columns.alarm')}</th>
              <th scope="col" className="wide-only">
                {t('columns.site')}
              </th>
              <th scope="col">{t('columns.state')}</th>
              <th scope="col" className="num">
                {t('columns.value')}
              </th>
              <th scope="col">{t('columns.since')}</th>
              <th scope="col">{t('columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(({ alarm, siteName, value, gone, fresh }) => (
              <tr
                key={alarm.id}
                className={`severity-row severity-${alarm.severity} row-${alarm.state}${gone ? ' gone' : ''}${fresh ? ' fresh' : ''}`}
                data-alarm={alarm.id}
              >
                <td>
                  <SeverityBadge severity={alarm.severity} />
                  {fresh ? <span className="flag-new"> {t('new')}</span> : null}
                </td>
                <th scope="row">
                  <Link href={`/alarms/${alarm.ruleId}`}>{alarm.name}</Link>
                </th>
                <td className="wide-only">
                  <Link href={`/sites/${alarm.siteId}`}>{siteName}</Link>
                </td>
                <td>
                  {gone ? <span className="muted">{t('leftList')} · </span> : null}
                  <StateLabel alarm={alarm} />
                </td>
                <td className="num console-value">{value}</td>
                <td>
                  {alarm.state === 'cleared-unacked' && alarm.clearedAt ? (
                    <>
                      {t('clearedAt')} <LocalTime iso={alarm.clearedAt} seconds />
                    </>
                  ) : alarm.activeSince ? (
                    <LocalTime iso={alarm.activeSince} seconds />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <AlarmActions alarm={alarm} role={props.role}>
                    <Link href={`/alarms/${alarm.ruleId}`}>{t('history')}</Link>
                  </AlarmActions>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
