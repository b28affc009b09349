import { type ContactChannelType, contactChannelTypes } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { LocalTime } from '../../../components/local-time.tsx';
import { listOutbox } from '../../../server/outbox-data.ts';
import { can } from '../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('outbox.title') };
}

const isChannel = (value: unknown): value is ContactChannelType =>
  typeof value === 'string' && (contactChannelTypes as readonly string[]).includes(value);

export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ channel?: string }> }) {
  const o = await getTranslations('outbox');
  if (!(await can('operator'))) {
    return (
      <>
        <h1>{o('heading')}</h1>
        <p className="notice">{o('needOperator')}</p>
      </>
    );
  }
  const { channel: requested } = await searchParams;
  const channel = isChannel(requested) ? requested : undefined;
  const messages = await listOutbox({ ...(channel ? { channel } : {}), limit: 200 });
  return (
    <>
      <h1>{o('heading')}</h1>
      <p>{o('intro')}</p>
      <nav aria-label={o('filterLabel')}>
        <ul className="filter-links">
          <li>{channel ? <Link href="/outbox">{o('all')}</Link> : <strong>{o('all')}</strong>}</li>
          {contactChannelTypes.map((type) => (
            <li key={type}>
              {channel === type ? (
                <strong>{o(`channels.${type}`)}</strong>
              ) : (
                <Link href={`/outbox?channel=${type}`}>{o(`channels.${type}`)}</Link>
              )}
            </li>
          ))}
        </ul>
      </nav>
      {messages.length === 0 ? (
        <p className="empty">{o('none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
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
                <tr key={m.id}>
                  <td>
                    <LocalTime iso={m.createdAt} />
                  </td>
                  <td>{o(`channels.${m.channel}`)}</td>
                  <td>
                    <code>{m.recipient}</code>
                  </td>
                  <td>
                    {m.subject ? <strong>{m.subject}</strong> : null}
                    <p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{m.body}</p>
                  </td>
                  <td>
                    {o(`statuses.${m.status}`)}
                    <br />
                    <small>{o('via', { provider: m.provider })}</small>
                    {m.error ? (
                      <>
                        <br />
                        <small>{m.error}</small>
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
