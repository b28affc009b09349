'use client';
// The user's signed-in sessions: device, address, last use, when each ends; sign one out, everywhere
// else, or everywhere (this browser too).
import type { SessionInfo } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import type { AccountState } from '../../account-state.ts';
import { endSession, endSessions } from '../../server/account-settings-actions.ts';
import { describeUserAgent } from '../../user-agent.ts';
import { FormStatus } from '../forms.tsx';
import { LocalTime } from '../local-time.tsx';

function ActionButton(props: {
  action: () => Promise<AccountState>;
  text: string;
  label?: string;
  confirm?: string;
  className?: string;
}) {
  const [state, formAction, pending] = useActionState<AccountState>(() => props.action(), { status: 'idle' });
  return (
    <form action={formAction} className="inline">
      <button
        type="submit"
        className={props.className ?? 'secondary'}
        disabled={pending}
        aria-label={props.label}
        onClick={(event) => {
          if (props.confirm && !window.confirm(props.confirm)) event.preventDefault();
        }}
      >
        {props.text}
      </button>
      {state.message ? <FormStatus state={state} /> : null}
    </form>
  );
}

export function SessionsTable({ sessions }: { sessions: SessionInfo[] }) {
  const t = useTranslations('account');
  return (
    <>
      <div className="table-wrap acct-sessions-wrap">
        <table className="acct-sessions">
          <caption className="muted">{t('sessionsCaption', { n: sessions.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('device')}</th>
              <th scope="col">{t('address')}</th>
              <th scope="col">{t('signedIn')}</th>
              <th scope="col">{t('lastUsed')}</th>
              <th scope="col">{t('ends')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {[...sessions]
              .sort((a, b) => Number(b.current) - Number(a.current))
              .map((session) => {
                const device = describeUserAgent(session.userAgent) ?? t('unknownDevice');
                const ends =
                  session.idleExpiresAt && session.idleExpiresAt < session.expiresAt
                    ? session.idleExpiresAt
                    : session.expiresAt;
                return (
                  <tr key={session.id} data-current={session.current ? 'true' : undefined}>
                    <th scope="row" title={session.userAgent ?? undefined}>
                      {device}
                      {session.current ? (
                        <>
                          {' '}
                          <span className="acct-badge here">{t('thisDevice')}</span>
                        </>
                      ) : null}
                    </th>
                    <td>{session.ipAddress ?? t('unknownAddress')}</td>
                    <td>
                      <LocalTime iso={session.createdAt} />
                    </td>
                    <td>
                      <LocalTime iso={session.lastUsedAt} />
                    </td>
                    <td>
                      <LocalTime iso={ends} />
                      {session.idleExpiresAt ? <small className="hint">{t('unlessUsed')}</small> : null}
                    </td>
                    <td>
                      {session.current ? null : (
                        <ActionButton
                          action={() => endSession(session.id)}
                          text={t('signOut')}
                          label={t('signOutSession', { device })}
                          className="danger"
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
          </tbody>
        </table>
      </div>
      <div className="acct-actions">
        <ActionButton action={() => endSessions(true)} text={t('signOutElsewhere')} />
        <ActionButton
          action={() => endSessions(false)}
          text={t('signOutEverywhere')}
          confirm={t('signOutEverywhereConfirm')}
          className="danger"
        />
      </div>
    </>
  );
}
