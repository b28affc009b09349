'use client';
// The "Run now" button of one report, with the answer of the server action beside it.
import { useTranslations } from 'next-intl';
import { useActionState } from 'react';
import { type FormState, idleState } from '../form-state.ts';

export function ReportRunButton(props: { run: (previous: FormState, form: FormData) => Promise<FormState> }) {
  const t = useTranslations('reports');
  const [state, formAction, pending] = useActionState(props.run, idleState);
  return (
    <form action={formAction}>
      <button type="submit" disabled={pending}>
        {pending ? t('queuing') : t('runNow')}
      </button>
      {state.message ? (
        <p
          role={state.status === 'error' ? 'alert' : 'status'}
          className={state.status === 'error' ? 'error' : 'notice'}
        >
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
