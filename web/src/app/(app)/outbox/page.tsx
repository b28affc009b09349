import {
  type ContactChannelType,
  contactChannelTypes,
  type Notification,
  type NotificationPurpose,
  notificationPurposes,
} from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { LocalTime } from '../../../components/local-time.tsx';
import { listAlarms } from '../../../server/monitoring.ts';
import { listOutbox } from '../../../server/outbox-data.ts';
import { listContacts } from '../../../server/people-data.ts';
import { can } from '../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('outbox.title') };
}

const isChannel = (value: unknown): value is ContactChannelType =>
  typeof value === 'string' && (contactChannelTypes as readonly string[]).includes(value);
const isPurpose = (value: unknown): value is NotificationPurpose =>
  typeof value === 'string' && (notificationPurposes as readonly string[]).includes(value);
const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

type Search = { channel?: string; purpose?: string; contactId?: string };

export default async function OutboxPage({ searchParams }: { searchParams: Promise<Search> }) {
  const o = await getTranslations('outbox');
  const x = await getTranslations('outboxExtra');
  if (!(await can('operator'))) {
    return (
      <>
        <h1>{o('heading')}</h1>
        <p className="notice">{o('needOperator')}</p>
      </>
    );
  }
  const search = await searchParams;
  const channel = isChannel(search.channel) ? search.channel : undefined;
  const purpose = isPurpose(search.purpose) ? search.purpose : undefined;
  const contactId = isId(search.contactId) ? search.contactId : undefined;
  const [messages, contacts, alarms, format] = await Promise.all([
    listOutbox({ channel, purpose, contactId, limit: 200 }),
    listContacts(),
    listAlarms({ status: 'all', limit: 1000 }),
    getFormatter(),
  ]);
  const alarmById = new Map(alarms.map((alarm) => [alarm.id, alarm]));
  const contactName = new Map(contacts.map((contact) => [contact.id, contact.name]));
  const shown = new Set(messages.map((message) => message.id));
  return (
    <>
      <h1>{o('heading')}</h1>
      <p>{o('intro')}</p>
      <form className="outbox-filters" method="get" aria-label={x('filter')}>
        <div className="field">
          <label htmlFor="outbox-channel">{o('filterLabel')}</label>
          <select id="outbox-channel" name="channel" defaultValue={channel ?? ''}>
            <option value="">{o('all')}</option>
            {contactChannelTypes.map((type) => (
              <option key={type} value={type}>
                {o(`channels.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="outbox-purpose">{x('purposeLabel')}</label>
          <select id="outbox-purpose" name="purpose" defaultValue={purpose ?? ''}>
            <option value="">{x('anyPurpose')}</option>
            {notificationPurposes.map((value) => (
              <option key={value} value={value}>
                {x(`purposes.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="outbox-contact">{x('contactLabel')}</label>
          <select id="outbox-contact" name="contactId" defaultValue={contactId ?? ''}>
            <option value="">{x('anyContact')}</option>
            {contacts.map((contact) => (
              <option key={contact.id} value={contact.id}>
                {contact.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          {x('filter')}
        </button>
      </form>
      {messages.length === 0 ? (
        <p className="empty">{o('none')}</p>
      ) : (
        <div className="table-wrap">
          <table className="outbox">
            <thead>
              <tr>
                <th scope="col">{o('when')}</th>
                <th scope="col">{o('channel')}</th>
                <th scope="col">{o('recipient')}</th>
                <th scope="col">{o('message')}</th>
                <th scope="col">{o('status')}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id} id={`message-${m.id}`} data-purpose={m.purpose} data-status={m.status}>
                  <td>
                    <LocalTime iso={m.createdAt} />
                  </td>
                  <td>{o(`channels.${m.channel}`)}</td>
                  <td>
                    <code>{m.recipient}</code>
                    {m.contactId ? (
                      <>
                        <br />
                        <small>{contactName.get(m.contactId) ?? ''}</small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {m.purpose === 'page' ? null : (
                      <span className={`badge purpose-${m.purpose}`}>{x(`purposes.${m.purpose}`)}</span>
                    )}{' '}
                    {m.subject ? <strong>{m.subject}</strong> : null}
                    <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{m.body}</p>
                    <MessageAlarms
                      message={m}
                      alarms={alarmById}
                      label={x('alarms')}
                      unknown={x('unknownAlarm')}
                    />
                  </td>
                  <td>
                    <span className={`badge status-${m.status}`}>{o(`statuses.${m.status}`)}</span>
                    {m.status === 'held' && m.flushAt ? (
                      <>
                        <br />
                        <small>
                          {x('heldUntil', {
                            time: format.dateTime(new Date(m.flushAt), { timeStyle: 'medium' }),
                          })}
                        </small>
                      </>
                    ) : null}
                    {m.status === 'grouped' && m.digestId ? (
                      <>
                        <br />
                        <small>
                          {shown.has(m.digestId) ? (
                            <a href={`#message-${m.digestId}`}>{x('inDigest')}</a>
                          ) : (
                            <Link
                              href={`/outbox?purpose=digest${m.contactId ? `&contactId=${m.contactId}` : ''}`}
                            >
                              {x('inDigest')}
                            </Link>
                          )}
                        </small>
                      </>
                    ) : null}
                    <br />
                    <small>{o('via', { provider: m.provider })}</small>
                    {m.error ? (
                      <>
                        <br />
                        <small className="error">{m.error}</small>
                      </>
                    ) : null}
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

/** A digest's alarms (or a page's one), each a link to its alarm page. */
function MessageAlarms(props: {
  message: Notification;
  alarms: ReadonlyMap<string, { ruleId: string; name: string }>;
  label: string;
  unknown: string;
}) {
  const ids = props.message.alarmIds;
  if (ids.length === 0) return null;
  return (
    <p className="message-alarms">
      <small>
        {props.label}:{' '}
        {ids.map((id, index) => {
          const alarm = props.alarms.get(id);
          return (
            <span key={id}>
              {index > 0 ? ', ' : ''}
              {alarm ? <Link href={`/alarms/${alarm.ruleId}`}>{alarm.name}</Link> : props.unknown}
            </span>
          );
        })}
      </small>
    </p>
  );
}
