// The notification settings form (ADR 0014, docs/notifications.md): provider, Twilio account, the
// WhatsApp sender, the flood window, and the write-only secrets (Twilio auth token, webhook signing
// secret, Telegram bot token), each shown only as set or not set with an empty field to replace it.
import { type NotificationSettings, smsProviders } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { FormState } from '../form-state.ts';
import { ActionForm, Field, SelectField } from './forms.tsx';

function SecretField(props: {
  name: string;
  label: string;
  newLabel: string;
  set: boolean;
  hint: string;
  removeLabel: string;
  /** More about the saved secret (the bot's name, where its webhook points). */
  children?: ReactNode;
}) {
  const t = useTranslations();
  return (
    <fieldset className="secret-field">
      <legend>{props.label}</legend>
      <p className="secret-state">
        {t('notificationSettings.secretState', { name: props.label, set: String(props.set) })}
      </p>
      {props.children}
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
  const x = useTranslations('notifyExtra');
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
      <Field
        name="twilioWhatsAppFromNumber"
        label={x('whatsAppFromNumber')}
        type="tel"
        defaultValue={settings.twilioWhatsAppFromNumber ?? ''}
        autoComplete="off"
        hint={x('whatsAppFromNumberHint')}
      />
      <Field
        name="floodWindowSeconds"
        label={x('floodWindowSeconds')}
        type="number"
        min={0}
        max={600}
        defaultValue={String(settings.floodWindowSeconds)}
        hint={x('floodWindowHint')}
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
      <SecretField
        name="telegramBotToken"
        label={x('telegramBotToken')}
        newLabel={x('newTelegramBotToken')}
        set={settings.telegramBotTokenSet}
        hint={x('telegramBotTokenHint')}
        removeLabel={x('removeTelegramBotToken')}
      >
        {settings.telegramBotUsername ? <p>{x('botName', { name: settings.telegramBotUsername })}</p> : null}
        {settings.telegramWebhookUrl ? (
          <p className="hint">{x('telegramWebhookUrl', { url: settings.telegramWebhookUrl })}</p>
        ) : null}
        {settings.telegramWebhookError ? (
          <p className="error" role="status">
            {x('telegramWebhookError', { error: settings.telegramWebhookError })}
          </p>
        ) : null}
      </SecretField>
    </ActionForm>
  );
}
