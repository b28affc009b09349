'use client';
// Sign-up (ADR 0031): the form, then "check your inbox" with a button for another link. Nothing is
// signed in here: the e-mailed link (/verify-email) does that.
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { type AccountState, idleAccountState } from '../../account-state.ts';
import { resendVerification, signUp } from '../../server/account-actions.ts';
import { ActionForm, Field } from '../forms.tsx';
import { TimeZoneField } from '../time-zone-field.tsx';
import '../../app/accounts.css';

export function SignUpFlow() {
  const t = useTranslations();
  const [sent, setSent] = useState<AccountState>(idleAccountState);
  if (sent.step === 'check-inbox' && sent.email) return <CheckInbox email={sent.email} />;
  return (
    <ActionForm
      label={t('auth.signUpHeading')}
      submitLabel={t('auth.signUp')}
      pendingLabel={t('auth.signingUp')}
      action={signUp}
      onDone={(state) => {
        if ((state as AccountState).step === 'check-inbox') setSent(state);
      }}
    >
      <Field name="tenantName" label={t('auth.tenantName')} required autoComplete="organization" />
      <Field name="name" label={t('auth.yourName')} required autoComplete="name" />
      <Field name="email" label={t('auth.email')} type="email" required autoComplete="email" />
      <Field
        name="password"
        label={t('auth.password')}
        type="password"
        required
        autoComplete="new-password"
        hint={t('accountAuth.passwordRules')}
      />
      <TimeZoneField label={t('auth.timeZone')} purpose={t('auth.timeZoneHint')} />
    </ActionForm>
  );
}

/** What the sign-up (or a request for another link) answered, and a button for another link. */
export function CheckInbox(props: { email: string }) {
  const t = useTranslations('accountAuth');
  return (
    <section className="check-inbox" aria-labelledby="check-inbox">
      <h2 id="check-inbox">{t('checkInbox')}</h2>
      {/* The API's own message says the same in English; this page says it in the viewer's language. */}
      <p>{t('checkInboxText', { email: props.email })}</p>
      <ResendLink email={props.email} />
    </section>
  );
}

/** Another verification link: for a known address a button, otherwise an e-mail field. */
export function ResendLink(props: { email?: string }) {
  const t = useTranslations('accountAuth');
  return (
    <ActionForm
      action={resendVerification}
      label={t('resendHeading')}
      submitLabel={t('resend')}
      pendingLabel={t('resending')}
      className={props.email ? 'form inline' : 'form'}
    >
      {props.email ? (
        <input type="hidden" name="email" value={props.email} />
      ) : (
        <Field name="email" label={t('email')} type="email" required autoComplete="email" />
      )}
    </ActionForm>
  );
}
