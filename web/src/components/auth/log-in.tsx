'use client';
// The login (ADR 0031): e-mail and password; then, when the account has two-step login, a code from
// the authenticator app or a recovery code; or, when the organisation requires it and the account has
// none yet, setting the app up (QR code, secret, first code) and the recovery codes, shown once.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { type AccountState, idleAccountState } from '../../account-state.ts';
import { confirmLoginEnrolment, logIn, logInSecondStep } from '../../server/account-actions.ts';
import { ActionForm, Field, FormStatus } from '../forms.tsx';
import { RecoveryCodes, TotpQr } from './totp.tsx';
import '../../app/accounts.css';

export function LogInFlow({ notice, next }: { notice?: string | undefined; next: string }) {
  const t = useTranslations();
  const router = useRouter();
  const [flow, setFlow] = useState<AccountState>(idleAccountState);
  const restart = () => setFlow(idleAccountState);
  const follow = (state: AccountState) => {
    if (state.step && state.step !== flow.step) setFlow(state);
  };

  if (flow.step === 'recovery-codes' && flow.recoveryCodes) {
    return (
      <RecoveryCodes
        codes={flow.recoveryCodes}
        onDone={() => {
          router.replace(flow.next ?? next);
          router.refresh();
        }}
      />
    );
  }
  if (flow.step === 'mfa-code' && flow.challengeToken) {
    return <SecondStep challengeToken={flow.challengeToken} next={flow.next ?? next} onRestart={restart} />;
  }
  if (flow.step === 'mfa-enrolment' && flow.challengeToken && flow.totp) {
    return (
      <section aria-labelledby="enrol-heading">
        <h2 id="enrol-heading">{t('accountAuth.enrolHeading')}</h2>
        <p>{t('accountAuth.enrolIntro')}</p>
        <TotpQr totp={flow.totp} />
        <ActionForm
          action={confirmLoginEnrolment}
          label={t('accountAuth.enrolHeading')}
          submitLabel={t('accountAuth.turnOnAndLogIn')}
          pendingLabel={t('accountAuth.checking')}
          onDone={(state) => follow(state as AccountState)}
        >
          <input type="hidden" name="challengeToken" value={flow.challengeToken} />
          <input type="hidden" name="next" value={flow.next ?? next} />
          <CodeField />
        </ActionForm>
        <p>
          <button type="button" className="link-button" onClick={restart}>
            {t('accountAuth.startAgain')}
          </button>
        </p>
      </section>
    );
  }
  return (
    <>
      {notice ? <FormStatus state={{ status: 'error', message: notice }} /> : null}
      <ActionForm
        action={logIn}
        label={t('auth.logInHeading')}
        submitLabel={t('auth.logIn')}
        pendingLabel={t('auth.loggingIn')}
        onDone={(state) => follow(state as AccountState)}
      >
        <input type="hidden" name="next" value={next} />
        <Field name="email" label={t('auth.email')} type="email" required autoComplete="username" />
        <Field
          name="password"
          label={t('auth.password')}
          type="password"
          required
          autoComplete="current-password"
        />
      </ActionForm>
      <p>
        <Link href="/forgot-password">{t('accountAuth.forgotLink')}</Link>
      </p>
    </>
  );
}

function CodeField() {
  const t = useTranslations('accountAuth');
  return (
    <Field
      name="code"
      label={t('code')}
      hint={t('codeHint')}
      inputMode="numeric"
      pattern="[0-9]*"
      autoComplete="one-time-code"
      maxLength={6}
      required
    />
  );
}

function SecondStep(props: { challengeToken: string; next: string; onRestart: () => void }) {
  const t = useTranslations('accountAuth');
  const [recovery, setRecovery] = useState(false);
  return (
    <section aria-labelledby="second-step">
      <h2 id="second-step">{t('secondStepHeading')}</h2>
      <p>{recovery ? t('recoveryStepIntro') : t('secondStepIntro')}</p>
      <ActionForm
        key={recovery ? 'recovery' : 'code'}
        action={logInSecondStep}
        label={t('secondStepHeading')}
        submitLabel={t('verify')}
        pendingLabel={t('checking')}
      >
        <input type="hidden" name="challengeToken" value={props.challengeToken} />
        <input type="hidden" name="next" value={props.next} />
        {recovery ? (
          <Field
            name="recoveryCode"
            label={t('recoveryCode')}
            hint={t('recoveryCodeHint')}
            autoComplete="off"
            required
          />
        ) : (
          <CodeField />
        )}
      </ActionForm>
      <p className="step-links">
        <button type="button" className="link-button" onClick={() => setRecovery(!recovery)}>
          {recovery ? t('useApp') : t('useRecoveryCode')}
        </button>
        <button type="button" className="link-button" onClick={props.onRestart}>
          {t('startAgain')}
        </button>
      </p>
    </section>
  );
}
