// Each escalation chain of a rule's alarms (GET /v1/alarms/{ruleId}/escalations, docs/escalation.md):
// the start intent (delivered, waiting, given up), the run (running, stopped, finished, why), the stop
// asked by an acknowledgement, and every page: level, who, channel, to where, when, delivery status.
import type { EscalationChain } from '@plantwatch/shared';
import { getFormatter, getTranslations } from 'next-intl/server';
import { LocalTime } from './local-time.tsx';

export async function EscalationHistory(props: {
  chains: readonly EscalationChain[];
  alarmNames: ReadonlyMap<string, string>;
  contactNames: ReadonlyMap<string, string>;
  policyNames: ReadonlyMap<string, string>;
}) {
  const t = await getTranslations('escalations');
  const p = await getTranslations('people');
  const o = await getTranslations('outbox');
  const format = await getFormatter();
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'medium' });
  return (
    <section aria-labelledby="escalations-heading" className="escalations">
      <h2 id="escalations-heading">{t('heading')}</h2>
      <p className="muted">{t('intro')}</p>
      {props.chains.length === 0 ? (
        <p className="empty">{t('none')}</p>
      ) : (
        props.chains.map((chain) => (
          <article key={chain.alarmEventId} className="card chain" aria-label={chain.alarmEventId}>
            <h3>
              {t('chain', {
                alarm: props.alarmNames.get(chain.alarmId) ?? chain.alarmId,
                time: when(chain.start.recordedAt),
              })}
            </h3>
            <ul className="chain-facts">
              <li>
                {t('policy', {
                  name: chain.policyId
                    ? (props.policyNames.get(chain.policyId) ?? t('policyGone'))
                    : t('policyGone'),
                })}
              </li>
              <li>
                <span className={`badge intent-${chain.start.state}`}>
                  {t('startIntent', { state: chain.start.state, attempts: chain.start.attempts })}
                </span>
                {chain.start.deliveredAt
                  ? ` · ${t('deliveredAt', { time: when(chain.start.deliveredAt) })}`
                  : null}
                {chain.start.lastError ? (
                  <p className="error">{t('nextTry', { error: chain.start.lastError })}</p>
                ) : null}
              </li>
              {chain.run ? (
                <li>
                  <span className={`badge run-${chain.run.status}`}>
                    {t('run', { status: chain.run.status })}
                  </span>{' '}
                  {t('runLevel', {
                    level: chain.run.level === null ? 'none' : String(chain.run.level),
                    round: chain.run.round,
                  })}
                  {chain.run.endedAt ? ` · ${t('ended', { time: when(chain.run.endedAt) })}` : null}
                  {chain.run.reason ? <p>{t('why', { reason: chain.run.reason })}</p> : null}
                </li>
              ) : (
                <li>{t('notStarted')}</li>
              )}
              {chain.stop ? (
                <li>{t('stop', { state: chain.stop.state, reason: chain.stop.reason ?? '—' })}</li>
              ) : null}
            </ul>
            <h4>{t('pages')}</h4>
            {chain.pages.length === 0 ? (
              <p className="muted">{t('noPages')}</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('columns.at')}</th>
                      <th scope="col">{t('columns.level')}</th>
                      <th scope="col">{t('columns.contact')}</th>
                      <th scope="col">{t('columns.channel')}</th>
                      <th scope="col" className="wide-only">
                        {t('columns.recipient')}
                      </th>
                      <th scope="col">{t('columns.status')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {chain.pages.map((page) => (
                      <tr key={`${page.at}-${page.contactId}-${page.channel}`}>
                        <td>
                          <LocalTime iso={page.at} seconds />
                        </td>
                        <td>
                          {page.level === null
                            ? '—'
                            : t('levelRound', { level: String(page.level), round: page.round ?? 0 })}
                        </td>
                        <th scope="row">
                          {page.contactId
                            ? (props.contactNames.get(page.contactId) ?? t('contactGone'))
                            : '—'}
                        </th>
                        <td>{p(`channelTypes.${page.channel}`)}</td>
                        <td className="wide-only">
                          <code>{page.recipient}</code>
                        </td>
                        <td>
                          <span className={`badge status-${page.status}`}>
                            {isStatus(page.status) ? o(`statuses.${page.status}`) : page.status}
                          </span>
                          {page.error ? <p className="error">{page.error}</p> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </article>
        ))
      )}
    </section>
  );
}

const STATUSES = ['queued', 'sent', 'failed', 'delivered', 'held', 'grouped', 'skipped'] as const;
const isStatus = (value: string): value is (typeof STATUSES)[number] =>
  (STATUSES as readonly string[]).includes(value);
