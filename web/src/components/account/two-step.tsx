'use client';
// Two-step login on the account page: set it up (QR code, secret, first code, recovery codes shown
// once), new recovery codes, or turn it off (password and a code; not offered when the organisation
// requires it for the user's role).
import type { MfaStatus } from '@plantwatch/shared';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import type { AccountState } from '../../account-state.ts';
import {
  confirmTotp,
  disableMfa,
  newRecoveryCodes,
  startTotp,
} from '../../server/account-settings-actions.ts';
import { RecoveryCodes, TotpQr } from '../auth/totp.tsx';
import { ActionForm, Field, FormStatus } from '../forms.tsx';
import { LocalTime } from '../local-time.tsx';

function CodeField() {
  const t = useTranslations('accountAuth');
  return (
    <Field
      name="code"
      label={t('code')}
      hint={t('codeHint')}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      required
    />
  );
}

export function TwoStepLogin({ status }: { status: MfaStatus }) {
  const t = useTranslations('account');
  const router = useRouter();
  const [flow, setFlow] = useState<AccountState>({ status: 'idle' });
  const [pending, startTransition] = useTransition();
  const follow = (state: AccountState) => {
    if (state.step) setFlow(state);
  };
  const finished = () => {
    setFlow({ status: 'idle' });
    router.refresh();
  };

  if (flow.step === 'recovery-codes' && flow.recoveryCodes) {
    return <RecoveryCodes codes={flow.recoveryCodes} onDone={finished} doneLabel={t('codesSaved')} />;
  }
  if (flow.step === 'mfa-enrolment' && flow.totp) {
    return (
      <div>
        <p>{t('setUpIntro')}</p>
        <TotpQr totp={flow.totp} />
        <ActionForm
          action={confirmTotp}
          label={t('confirmSetUp')}
          submitLabel={t('turnOn')}
          pendingLabel={t('saving')}
          onDone={(state) => follow(state as AccountState)}
        >
          <CodeField />
        </ActionForm>
        <p>
          <button type="button" className="link-button" onClick={() => setFlow({ status: 'idle' })}>
            {t('cancelSetUp')}
          </button>
        </p>
      </div>
    );
  }
  if (!status.enabled) {
    return (
      <div>
        <p>
          <span className="acct-badge">{t('mfaOff')}</span>{' '}
          {status.requiredByPolicy ? t('requiredNotSetUp') : t('mfaOffText')}
        </p>
        <button
          type="button"
          disabled={pending}
          onClick={() => startTransition(async () => setFlow(await startTotp()))}
        >
          {t('setUp')}
        </button>
        {flow.status === 'error' ? <FormStatus state={flow} /> : null}
      </div>
    );
  }
  return (
    <div>
      <p>
        <span className="acct-badge on">{t('mfaOn')}</span>{' '}
        {status.enabledAt
          ? t.rich('mfaOnSince', { when: () => <LocalTime iso={status.enabledAt ?? ''} /> })
          : null}{' '}
        {t('codesLeft', { n: status.recoveryCodesLeft })}
      </p>
      <h3>{t('newCodesHeading')}</h3>
      <p>{t('newCodesIntro')}</p>
      <ActionForm
        action={newRecoveryCodes}
        label={t('newCodesHeading')}
        submitLabel={t('newCodes')}
        pendingLabel={t('saving')}
        onDone={(state) => follow(state as AccountState)}
      >
        <CodeField />
      </ActionForm>
      <h3>{t('turnOffHeading')}</h3>
      {status.requiredByPolicy ? (
        <p className="notice">{t('requiredByPolicy')}</p>
      ) : (
        <ActionForm
          action={disableMfa}
          label={t('turnOffHeading')}
          submitLabel={t('turnOff')}
          pendingLabel={t('saving')}
          onDone={(state) => {
            if (state.status === 'ok') router.refresh();
          }}
        >
          <Field
            name="password"
            label={t('password')}
            type="password"
            required
            autoComplete="current-password"
          />
          <CodeField />
        </ActionForm>
      )}
    </div>
  );
}
