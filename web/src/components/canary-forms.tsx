'use client';
// The tenant canary's forms: its settings (admins), "send one now" (admins) and acknowledging a run
// here (operators), each a server action with its result beside it.
import type { CanarySettings, Contact } from '@plantwatch/shared';
import { useLocale, useTranslations } from 'next-intl';
import type { FormState } from '../form-state.ts';
import { weekdayNames } from '../i18n/weekdays.ts';
import { ActionForm, Field, SelectField } from './forms.tsx';

export function CanarySettingsForm(props: {
  settings: CanarySettings;
  contacts: readonly Pick<Contact, 'id' | 'name'>[];
  action: (previous: FormState, form: FormData) => Promise<FormState>;
}) {
  const t = useTranslations('canary');
  const locale = useLocale();
  const days = weekdayNames(locale);
  const { settings } = props;
  return (
    <ActionForm
      action={props.action}
      label={t('settingsHeading')}
      submitLabel={t('save')}
      pendingLabel={t('saving')}
    >
      <label className="check">
        <input type="checkbox" name="enabled" defaultChecked={settings.enabled} /> {t('enabled')}
      </label>
      <SelectField
        name="contactId"
        label={t('contact')}
        options={[
          { value: '', label: t('chooseContact') },
          ...props.contacts.map((contact) => ({ value: contact.id, label: contact.name })),
        ]}
        defaultValue={settings.contactId ?? ''}
      />
      <Field
        name="at"
        label={t('at')}
        defaultValue={settings.at}
        inputMode="numeric"
        pattern="[0-2][0-9]:[0-5][0-9]"
        placeholder="08:00"
        autoComplete="off"
      />
      <fieldset className="checks">
        <legend>{t('days')}</legend>
        <div className="day-choices">
          {days.map((name, day) => (
            <label key={name} className="check">
              <input type="checkbox" name="days" value={day} defaultChecked={settings.days.includes(day)} />{' '}
              {name}
            </label>
          ))}
        </div>
      </fieldset>
      <Field
        name="timeZone"
        label={t('timeZone')}
        hint={t('timeZoneHint')}
        defaultValue={settings.timeZone}
        autoComplete="off"
      />
      <Field
        name="ackWithinMinutes"
        label={t('ackWithin')}
        type="number"
        min={1}
        max={1440}
        defaultValue={String(settings.ackWithinMinutes)}
      />
      <label className="check">
        <input type="checkbox" name="notifyAdmins" defaultChecked={settings.notifyAdmins} />{' '}
        {t('notifyAdmins')}
      </label>
    </ActionForm>
  );
}

export function CanaryButton(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  label: string;
  pendingLabel: string;
  ariaLabel?: string;
}) {
  return (
    <ActionForm
      action={props.action}
      className="inline-form"
      label={props.ariaLabel ?? props.label}
      submitLabel={props.label}
      pendingLabel={props.pendingLabel}
    >
      {null}
    </ActionForm>
  );
}
