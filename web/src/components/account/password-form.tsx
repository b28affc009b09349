'use client';
// Change password: the current one is required; the API signs every other session out and e-mails.
import { useTranslations } from 'next-intl';
import { changePassword } from '../../server/account-settings-actions.ts';
import { ActionForm, Field } from '../forms.tsx';

export function ChangePasswordForm() {
  const t = useTranslations('account');
  return (
    <ActionForm
      action={changePassword}
      label={t('passwordHeading')}
      submitLabel={t('changePassword')}
      pendingLabel={t('saving')}
    >
      <Field
        name="currentPassword"
        label={t('currentPassword')}
        type="password"
        required
        autoComplete="current-password"
      />
      <Field
        name="newPassword"
        label={t('newPassword')}
        type="password"
        required
        autoComplete="new-password"
        hint={t('newPasswordHint')}
      />
    </ActionForm>
  );
}
