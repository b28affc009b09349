// The notification settings form (ADR 0014): provider, Twilio account, and the two write-only
// secrets, each shown only as set or not set with an empty field to replace it.
import { type NotificationSettings, smsProviders } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import type { FormState } from '../form-state.ts';
import { ActionForm, Field, SelectField } from './forms.tsx';

function SecretField(props: {
  name: string;
  label: string;
  newLabel: string;
  set: boolean;
  hint: string;
  removeLabel: string;
}) {
  const t = useTranslations();
  return (
    <fieldset className="secret-field">
      <legend>{props.label}</legend>
      <p className="secret-state">
        {t('notificationSettings.secretState', { name: props.label, set: String(props.set) })}
      </p>
      <Field
        name={props.name}
        label={props.newLabel}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        hint={props.hint}
      />
      {props.set ? <Field name={`${props.name}Remove`} label={props.removeLabel} type="checkbox" /> : null}
    </fieldset>
  );
}

export function NotificationSettingsForm(props: {
  settings: NotificationSettings;
  action: (previous: FormState, form: FormData) => Promise<FormState>;
}) {
  const t = useTranslations();
  const n = useTranslations('notificationSettings');
  const { settings } = props;
  return (
    <ActionForm
      action={props.action}
      label={n('formLabel')}
      submitLabel={t('common.save')}
      pendingLabel={n('saving')}
    >
      <SelectField
        name="smsProvider"
        label={n('smsProvider')}
        options={smsProviders.map((provider) => ({ value: provider, label: n(`providers.${provider}`) }))}
        defaultValue={settings.smsProvider}
        hint={n('smsProviderHint')}
      />
      <Field
        name="twilioAccountSid"
        label={n('twilioAccountSid')}
        defaultValue={settings.twilioAccountSid ?? ''}
        autoComplete="off"
        spellCheck={false}
        hint={n('twilioAccountSidHint')}
      />
      <Field
        name="twilioFromNumber"
        label={n('twilioFromNumber')}
        type="tel"
        defaultValue={settings.twilioFromNumber ?? ''}
        autoComplete="off"
        hint={n('twilioFromNumberHint')}
      />
      <SecretField
        name="twilioAuthToken"
        label={n('twilioAuthToken')}
        newLabel={n('newTwilioAuthToken')}
        set={settings.twilioAuthTokenSet}
        hint={n('replaceHint')}
        removeLabel={n('removeTwilioAuthToken')}
      />
      <SecretField
        name="webhookSigningSecret"
        label={n('webhookSigningSecret')}
        newLabel={n('newWebhookSigningSecret')}
        set={settings.webhookSigningSecretSet}
        hint={n('webhookSecretHint')}
        removeLabel={n('removeWebhookSigningSecret')}
      />
    </ActionForm>
  );
}
