'use client';
// The retention form (admins): one number of days per kind of data, each with what goes and the
// plan's maximum beside it. Re-mounted with what was saved, so the fields show the stored values.
import { type Retention, retentionKinds } from '@plantwatch/shared';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import type { FormState } from '../form-state.ts';
import { ActionForm, Field } from './forms.tsx';

export function RetentionForm(props: {
  retention: Retention;
  save: (previous: FormState, form: FormData) => Promise<FormState>;
}) {
  const t = useTranslations('retention');
  const router = useRouter();
  // Said outside the form: the form is made anew with the saved values, its own status with it.
  const [saved, setSaved] = useState('');
  const { settings, maxDays } = props.retention;
  return (
    <>
      <p className="ok" role="status">
        {saved}
      </p>
      <ActionForm
        key={JSON.stringify(settings)}
        action={props.save}
        label={t('formLabel')}
        submitLabel={t('save')}
        pendingLabel={t('saving')}
        onDone={(state) => {
          setSaved(state.status === 'ok' ? (state.message ?? '') : '');
          if (state.status === 'ok') router.refresh();
        }}
      >
        {retentionKinds.map((kind) => (
          <Field
            key={kind}
            name={kind}
            label={t(`kinds.${kind}`)}
            type="number"
            inputMode="numeric"
            min={1}
            max={maxDays}
            step={1}
            required
            defaultValue={String(settings[kind])}
            hint={t('fieldHint', { what: t(`what.${kind}`), max: maxDays })}
          />
        ))}
      </ActionForm>
    </>
  );
}
