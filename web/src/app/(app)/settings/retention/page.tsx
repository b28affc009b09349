import { retentionKinds } from '@plantwatch/shared';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { LocalTime } from '../../../../components/local-time.tsx';
import { RetentionForm } from '../../../../components/retention-form.tsx';
import { saveRetention } from '../../../../server/retention-actions.ts';
import { getRetention, listRetentionRuns } from '../../../../server/retention-data.ts';
import { can, getViewer } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('retention');
  return { title: t('title') };
}

/** Retention per tenant (ADR 0036): admins change it, everyone sees it and what the nightly runs deleted. */
export default async function RetentionPage() {
  const [t, format, viewer, admin, retention, runs] = await Promise.all([
    getTranslations('retention'),
    getFormatter(),
    getViewer(),
    can('admin'),
    getRetention(),
    listRetentionRuns(),
  ]);
  const lastRun = retention.lastAppliedOn
    ? format.dateTime(new Date(`${retention.lastAppliedOn}T12:00:00Z`), {
        dateStyle: 'long',
        timeZone: 'UTC',
      })
    : null;
  return (
    <>
      <h1>{t('heading')}</h1>
      <p>{t('intro', { timeZone: viewer.tenant.timeZone })}</p>
      <p>
        <strong>{t('planMax', { max: retention.maxDays })}</strong>{' '}
        {retention.custom ? t('custom') : t('defaults')}
      </p>
      <p className="muted">{lastRun ? t('lastRun', { date: lastRun }) : t('neverRun')}</p>

      <section aria-labelledby="retention-settings">
        <h2 id="retention-settings">{t('settingsHeading')}</h2>
        {admin ? (
          <>
            <p className="notice">{t('warning')}</p>
            <RetentionForm retention={retention} save={saveRetention} />
          </>
        ) : (
          <>
            <p className="notice">{t('needAdmin')}</p>
            <div className="table-wrap">
              <table aria-label={t('settingsTable')}>
                <thead>
                  <tr>
                    <th scope="col">{t('columns.kind')}</th>
                    <th scope="col" className="num">
                      {t('columns.days')}
                    </th>
                    <th scope="col" className="num">
                      {t('columns.max')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {retentionKinds.map((kind) => (
                    <tr key={kind} data-retention-kind={kind}>
                      <th scope="row">
                        {t(`names.${kind}`)}
                        <br />
                        <small className="muted">{t(`what.${kind}`)}</small>
                      </th>
                      <td className="num">{format.number(retention.settings[kind])}</td>
                      <td className="num">{format.number(retention.maxDays)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="retention-runs">
        <h2 id="retention-runs">{t('runsHeading')}</h2>
        {runs.length === 0 ? (
          <p className="empty">{t('noRuns')}</p>
        ) : (
          <>
            <p className="muted">{t('runsIntro')}</p>
            <div className="table-wrap">
              <table aria-label={t('runsTable')}>
                <thead>
                  <tr>
                    <th scope="col">{t('columns.ranAt')}</th>
                    <th scope="col">{t('columns.kind')}</th>
                    <th scope="col" className="wide-only">
                      {t('columns.olderThan')}
                    </th>
                    <th scope="col" className="num">
                      {t('columns.deleted')}
                    </th>
                  </tr>
                </thead>
                {runs.map((run) => (
                  <tbody key={run.ranAt} data-retention-run={run.ranAt}>
                    {run.deletions.map((deletion, index) => (
                      <tr key={deletion.id}>
                        {index === 0 ? (
                          <th scope="rowgroup" rowSpan={run.deletions.length}>
                            <LocalTime iso={run.ranAt} />
                          </th>
                        ) : null}
                        <td>{t(`names.${deletion.kind}`)}</td>
                        <td className="wide-only">
                          <LocalTime iso={deletion.olderThan} />
                        </td>
                        <td className="num">{format.number(deletion.deleted)}</td>
                      </tr>
                    ))}
                  </tbody>
                ))}
              </table>
            </div>
          </>
        )}
      </section>
    </>
  );
}
