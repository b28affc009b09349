import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { CanaryButton, CanarySettingsForm } from '../../../../components/canary-forms.tsx';
import {
  acknowledgeCanaryRun,
  saveCanarySettings,
  sendCanaryNow,
} from '../../../../server/canary-actions.ts';
import { getCanarySettings, listCanaryRuns } from '../../../../server/canary-data.ts';
import { listContacts } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('canary.title') };
}

/** The tenant canary (docs/notifications.md): its settings for admins, its runs for everyone. */
export default async function CanaryPage() {
  const t = await getTranslations('canary');
  const p = await getTranslations('people');
  const format = await getFormatter();
  const [admin, operator, runs, contacts] = await Promise.all([
    can('admin'),
    can('operator'),
    listCanaryRuns(),
    listContacts(),
  ]);
  const settings = admin ? await getCanarySettings() : null;
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <>
      <h1>{t('heading')}</h1>
      <p>{t('intro')}</p>
      {settings ? (
        <section aria-labelledby="canary-settings">
          <h2 id="canary-settings">{t('settingsHeading')}</h2>
          <p className="muted">
            {settings.nextDueAt ? t('next', { time: when(settings.nextDueAt) }) : t('off')}
          </p>
          {contacts.length === 0 ? (
            <p className="notice">{t('noContacts')}</p>
          ) : (
            <CanarySettingsForm settings={settings} contacts={contacts} action={saveCanarySettings} />
          )}
          {settings.contactId ? (
            <CanaryButton action={sendCanaryNow} label={t('sendNow')} pendingLabel={t('sendingNow')} />
          ) : null}
        </section>
      ) : (
        <p className="notice">{t('needAdmin')}</p>
      )}
      <section aria-labelledby="canary-runs">
        <h2 id="canary-runs">{t('runs')}</h2>
        {runs.length === 0 ? (
          <p className="empty">{t('noRuns')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('columns.slot')}</th>
                  <th scope="col">{t('columns.contact')}</th>
                  <th scope="col">{t('columns.status')}</th>
                  <th scope="col" className="wide-only">
                    {t('columns.channel')}
                  </th>
                  <th scope="col">{t('columns.acknowledged')}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id} data-canary-status={run.status}>
                    <td>
                      {when(run.slotAt)}
                      <br />
                      <small className="muted">{t('trigger', { trigger: run.trigger })}</small>
                    </td>
                    <th scope="row">{run.contactName}</th>
                    <td>
                      <span className={`badge canary-${run.status}`}>{t(`statuses.${run.status}`)}</span>
                      {run.status === 'sent' || run.status === 'pending' ? (
                        <>
                          <br />
                          <small>{t('dueBy', { time: when(run.dueBy) })}</small>
                        </>
                      ) : null}
                      {run.missedReason ? <p className="error">{run.missedReason}</p> : null}
                      {run.lastError && run.status !== 'acknowledged' ? (
                        <p className="muted">
                          <small>
                            {t('attempts', { n: run.attempts })}: {run.lastError}
                          </small>
                        </p>
                      ) : null}
                      {run.adminNotice ? (
                        <p className="muted">
                          <small>{run.adminNotice}</small>
                        </p>
                      ) : null}
                    </td>
                    <td className="wide-only">
                      {run.channel ? p(`channelTypes.${run.channel}`) : '—'}
                      {run.recipient ? (
                        <>
                          <br />
                          <code>{run.recipient}</code>
                        </>
                      ) : null}
                    </td>
                    <td>
                      {run.acknowledgedAt
                        ? t('ackedBy', {
                            time: when(run.acknowledgedAt),
                            who: run.acknowledgedBy ?? '—',
                            via: run.acknowledgedVia ?? '—',
                            seconds: String(Math.round(run.ackSeconds ?? 0)),
                          })
                        : null}
                      {operator && (run.status === 'sent' || run.status === 'pending') ? (
                        <CanaryButton
                          action={acknowledgeCanaryRun.bind(null, run.id)}
                          label={t('acknowledge')}
                          pendingLabel={t('acknowledging')}
                          ariaLabel={t('acknowledgeLabel', { time: when(run.slotAt) })}
                        />
                      ) : null}
                    </td>
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
