'use client';
import { useTranslations } from 'next-intl';
// The organisation logo: a preview of the current one, a file input to upload a new one, and a button
// to remove it (report covers then show the tenant's initials).
import { useState } from 'react';
import type { FormState } from '../form-state.ts';
import { ActionForm, Field } from './forms.tsx';

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

export function LogoForm(props: { logoUrl: string | null; upload: Action; remove: Action }) {
  const o = useTranslations('organisation');
  // The remove form goes away with the logo, taking its status line along: the section keeps the word.
  const [removed, setRemoved] = useState<string | null>(null);
  return (
    <section aria-labelledby="organisation-logo">
      <h2 id="organisation-logo">{o('logoHeading')}</h2>
      <p>{o('logoIntro')}</p>
      {props.logoUrl ? (
        <figure className="logo-preview">
          {/* biome-ignore lint/performance/noImgElement: a data: URL of a small uploaded image; next/image adds nothing here */}
          <img src={props.logoUrl} alt={o('current')} style={{ maxWidth: 240, maxHeight: 90 }} />
          <figcaption>{o('current')}</figcaption>
        </figure>
      ) : (
        <>
          <p>{o('none')}</p>
          {removed ? (
            <p role="status" className="ok">
              {removed}
            </p>
          ) : null}
        </>
      )}
      <ActionForm
        action={props.upload}
        label={o('upload')}
        submitLabel={o('upload')}
        pendingLabel={o('uploading')}
        onDone={(state) => {
          if (state.status === 'ok') setRemoved(null);
        }}
      >
        <Field name="logo" label={o('file')} type="file" accept="image/png,image/jpeg" required />
      </ActionForm>
      {props.logoUrl ? (
        <ActionForm
          action={props.remove}
          label={o('remove')}
          submitLabel={o('remove')}
          pendingLabel={o('removing')}
          onDone={(state) => {
            if (state.status === 'ok') setRemoved(state.message ?? null);
          }}
        >
          {null}
        </ActionForm>
      ) : null}
    </section>
  );
}
