'use client';
// One button that runs a server action for a row (enable, disable), with the answer beside it.
import { useActionState } from 'react';
import { type FormState, idleState } from '../form-state.ts';

export function ConfigActionButton(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  text: string;
  /** Accessible name; starts with the visible text. */
  label: string;
}) {
  const [state, formAction, pending] = useActionState(props.action, idleState);
  return (
    <form action={formAction} className="inline">
      <button type="submit" disabled={pending} aria-label={props.label}>
        {props.text}
      </button>
      {state.status === 'error' ? (
        <span role="alert" className="error">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
