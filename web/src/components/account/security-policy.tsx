'use client';
// The organisation's security policy: two-step login required of owners and admins, and how long a
// session lasts (idle and absolute). Admins read it; the owner changes it.
import type { SecurityPolicy } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { useId } from 'react';
import { updateSecurityPolicy } from '../../server/account-settings-actions.ts';
import { ActionForm, Field } from '../forms.tsx';

export function SecurityPolicyForm({ policy }: { policy: SecurityPolicy }) {
  const t = useTranslations('securityPolicy');
  const hintId = useId();
  return (
    <ActionForm
      action={updateSecurityPolicy}
      label={t('heading')}
      submitLabel={t('save')}
      pendingLabel={t('saving')}
    >
      <div className="field">
        <label className="check">
          <input
            type="checkbox"
            name="mfaRequiredForAdmins"
            defaultChecked={policy.mfaRequiredForAdmins}
            aria-describedby={hintId}
          />{' '}
          <strong>{t('mfaRequired')}</strong>
        </label>
        <small id={hintId} className="hint">
          {t('mfaRequiredHint')}
        </small>
      </div>
      <Field
        name="sessionIdleMinutes"
        label={t('idleMinutes')}
        type="number"
        min={5}
        max={10080}
        step={1}
        inputMode="numeric"
        defaultValue={policy.sessionIdleMinutes ?? ''}
        hint={t('idleHint')}
      />
      <Field
        name="sessionAbsoluteHours"
        label={t('absoluteHours')}
        type="number"
        min={1}
        max={720}
        step={1}
        inputMode="numeric"
        required
        defaultValue={policy.sessionAbsoluteHours}
        hint={t('absoluteHint')}
      />
    </ActionForm>
  );
}

export function SecurityPolicyView({ policy }: { policy: SecurityPolicy }) {
  const t = useTranslations('securityPolicy');
  return (
    <dl className="abilities">
      <div>
        <dt>{t('mfaRequired')}</dt>
        <dd>{policy.mfaRequiredForAdmins ? t('yes') : t('no')}</dd>
      </div>
      <div>
        <dt>{t('idleMinutes')}</dt>
        <dd>
          {policy.sessionIdleMinutes === null
            ? t('noIdleEnd')
            : t('minutes', { n: policy.sessionIdleMinutes })}
        </dd>
      </div>
      <div>
        <dt>{t('absoluteHours')}</dt>
        <dd>{t('hours', { n: policy.sessionAbsoluteHours })}</dd>
      </div>
    </dl>
  );
}
