'use client';
// A contact's channels with a test send each (its result, or the API's reason, beside the row) and,
// for Telegram, the one-time link that ties the person's chat to the contact (docs/notifications.md).
import type { Contact } from '@plantwatch/shared';
import { useFormatter, useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import {
  type ChannelTestOutcome,
  linkTelegram,
  type TelegramLinkOutcome,
  testContactChannel,
} from '../server/contact-channel-actions.ts';

const STATUSES = ['queued', 'sent', 'failed', 'delivered', 'held', 'grouped', 'skipped'] as const;

function TestButton(props: { contactId: string; index: number; label: string }) {
  const t = useTranslations('channelTests');
  const o = useTranslations('outbox');
  const [outcome, setOutcome] = useState<ChannelTestOutcome | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <>
      <button
        type="button"
        className="secondary"
        aria-label={props.label}
        disabled={pending}
        onClick={() =>
          startTransition(async () => setOutcome(await testContactChannel(props.contactId, props.index)))
        }
      >
        {pending ? t('sending') : t('send')}
      </button>
      {outcome ? (
        <p className={`result ${outcome.kind === 'sent' ? 'ok' : 'error'}`} role="status">
          {outcome.kind === 'sent'
            ? t('sent', {
                status: STATUSES.find((s) => s === outcome.status)
                  ? o(`statuses.${outcome.status as (typeof STATUSES)[number]}`)
                  : outcome.status,
                provider: outcome.provider,
              })
            : outcome.kind === 'refused'
              ? t('refused', { error: outcome.error })
              : t('failed', { message: outcome.message })}
        </p>
      ) : null}
    </>
  );
}

function TelegramLinkButton(props: { contactId: string; name: string }) {
  const t = useTranslations('channelTests');
  const format = useFormatter();
  const [outcome, setOutcome] = useState<TelegramLinkOutcome | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={pending}
        onClick={() => startTransition(async () => setOutcome(await linkTelegram(props.contactId)))}
      >
        {pending ? t('linking') : t('linkTelegram')}
      </button>
      {outcome?.kind === 'link' ? (
        <div className="result telegram-link" role="status">
          <p>
            {t('linkIntro', {
              name: props.name,
              command: `/start ${outcome.code}`,
              time: format.dateTime(new Date(outcome.expiresAt), { timeStyle: 'short' }),
            })}
          </p>
          {outcome.url ? (
            <p>
              <a href={outcome.url} rel="noopener noreferrer" target="_blank">
                {t('openLink', { url: outcome.url })}
              </a>
            </p>
          ) : (
            <p>{t('noBotName', { command: `/start ${outcome.code}` })}</p>
          )}
        </div>
      ) : outcome ? (
        <p className="result error" role="status">
          {t('failed', { message: outcome.message })}
        </p>
      ) : null}
    </>
  );
}

export function ContactChannels(props: { contact: Contact; engineer: boolean; languageName: string }) {
  const t = useTranslations('channelTests');
  const p = useTranslations('people');
  const { contact } = props;
  return (
    <section aria-labelledby="channel-tests" className="card">
      <h2 id="channel-tests">{t('heading')}</h2>
      <p className="muted">{t('intro')}</p>
      <p>{t('languageOfPages', { language: props.languageName })}</p>
      <ol className="channel-tests">
        {contact.channels.map((channel, index) => {
          const type = p(`channelTypes.${channel.type}`);
          const address =
            channel.type === 'telegram'
              ? channel.address
                ? t('linkedChat', { chat: channel.address })
                : t('notLinked')
              : (channel.address ?? '');
          return (
            // channels are a list in order; their place is their identity here
            // biome-ignore lint/suspicious/noArrayIndexKey: the list is the contact's channels, in order
            <li key={`${index}-${channel.type}`} data-channel={index}>
              <strong>{type}</strong> <code>{address}</code>
              {props.engineer ? (
                <>
                  {/* A Telegram channel not linked has nowhere to send: linking comes first. */}
                  {channel.type === 'telegram' && !channel.address ? null : (
                    <TestButton
                      contactId={contact.id}
                      index={index}
                      label={t('sendLabel', { channel: type, address })}
                    />
                  )}
                  {channel.type === 'telegram' ? (
                    <TelegramLinkButton contactId={contact.id} name={contact.name} />
                  ) : null}
                </>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
