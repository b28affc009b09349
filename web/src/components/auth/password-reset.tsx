'use client';
// Forgotten password: ask for a link (the same answer for any address), then /reset-password#token=…
// sets a new one and signs every session of the account out.
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import type { AccountState } from '../../account-state.ts';
import { requestPasswordReset, resetPassword } from '../../server/account-actions.ts';
import { ActionForm, Field } from '../forms.tsx';
import { tokenFromHash } from './verify-email.tsx';
import '../../app/accounts.css';

export function ForgotPasswordForm() {
  const t = useTranslations('accountAuth');
  const [sent, setSent] = useState<AccountState | null>(null);
  if (sent?.email) {
    return (
      <section className="check-inbox" aria-labelledby="reset-sent">
        <h2 id="reset-sent">{t('checkInbox')}</h2>
        <p>{t('resetSentText', { email: sent.email })}</p>
        <p>
          <button type="button" className="link-button" onClick={() => setSent(null)}>
            {t('sendAgain')}
          </button>
        </p>
      </section>
    );
  }
  return (
    <ActionForm
      action={requestPasswordReset}
      label={t('forgotHeading')}
      submitLabel={t('sendResetLink')}
      pendingLabel={t('sending')}
      onDone={(state) => {
        if ((state as AccountState).step === 'check-inbox') setSent(state);
      }}
    >
      <Field name="email" label={t('email')} type="email" required autoComplete="email" />
    </ActionForm>
  );
}

export function ResetPasswordForm() {
  const t = useTranslations('accountAuth');
  const [token, setToken] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => {
    setToken(tokenFromHash(window.location.hash));
    window.history.replaceState(null, '', window.location.pathname);
  }, []);
  if (token === null) return null;
  if (!token) {
    return (
      <p className="notice">
        {t('resetNoToken')} <Link href="/forgot-password">{t('askAgain')}</Link>
      </p>
    );
  }
  if (done) {
    return (
      <section aria-labelledby="reset-done">
        <h2 id="reset-done">{t('resetDoneHeading')}</h2>
        <p role="status">{t('resetDone')}</p>
        <p>
          <Link className="button" href="/login">
            {t('logInNow')}
          </Link>
        </p>
      </section>
    );
  }
  return (
    <>
      <ActionForm
        action={resetPassword}
        label={t('resetHeading')}
        submitLabel={t('setPassword')}
        pendingLabel={t('saving')}
        onDone={(state) => {
          if (state.status === 'ok') setDone(true);
          // A link that is used, expired or not valid cannot work again: say how to get another.
          setRefused(
            state.status === 'error' && !state.fieldErrors?.newPassword ? (state.message ?? null) : null,
          );
        }}
      >
        <input type="hidden" name="token" value={token} />
        <Field
          name="newPassword"
          label={t('newPassword')}
          type="password"
          required
          autoComplete="new-password"
          hint={t('passwordRules')}
        />
      </ActionForm>
      {refused ? (
        <p>
          <Link href="/forgot-password">{t('askAgain')}</Link>
        </p>
      ) : null}
    </>
  );
}
