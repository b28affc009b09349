'use client';
// The e-mailed sign-up link, /verify-email#token=…: the token travels in the fragment, which browsers
// never send to a server or log; this page hands it to the API once and is signed in.
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import type { AccountState } from '../../account-state.ts';
import { verifyEmail } from '../../server/account-actions.ts';
import { ResendLink } from './sign-up.tsx';
import '../../app/accounts.css';

export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}

function forgetToken() {
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
}

export function VerifyEmail() {
  const t = useTranslations('accountAuth');
  const [state, setState] = useState<AccountState | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = tokenFromHash(window.location.hash);
    // The token is used once: take it out of the address bar and the history.
    forgetToken();
    if (!token) {
      setState({ status: 'error', message: t('verifyNoToken') });
      return;
    }
    // On success the action redirects (signed in); it returns only when the link did not work.
    void verifyEmail(token).then(setState, () => setState({ status: 'error', message: t('verifyFailed') }));
  }, [t]);
  // Next's router writes the address it started with (the token's fragment too) back when it commits
  // the server action's answer, which can land after this page shows that answer: take the token out
  // again then, and a few times over the next moments.
  useEffect(() => {
    if (!state) return;
    forgetToken();
    const timers = [100, 500, 1500, 3000].map((ms) => window.setTimeout(forgetToken, ms));
    return () => {
      for (const timer of timers) window.clearTimeout(timer);
    };
  }, [state]);
  if (!state) {
    return (
      <p role="status" className="loading">
        {t('verifying')}
      </p>
    );
  }
  return (
    <>
      <p role="alert" className="notice error-notice">
        {state.message}
      </p>
      <h2>{t('resendHeading')}</h2>
      <p>{t('resendIntro')}</p>
      <ResendLink />
    </>
  );
}
