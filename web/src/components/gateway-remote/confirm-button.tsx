'use client';
// A button that runs a server action after the user confirms, with the answer (done or refused) beside it.
import { useActionState } from 'react';
import { type FormState, idleState } from '../../form-state.ts';

export function ConfirmButton(props: {
  action: () => Promise<FormState>;
  confirmText: string;
  text: string;
  /** Accessible name; starts with the visible text. */
  label: string;
}) {
  const [state, formAction, pending] = useActionState(() => props.action(), idleState);
  return (
    <form action={formAction} className="inline">
      <button
        type="submit"
        className="secondary"
        disabled={pending}
        aria-label={props.label}
        onClick={(event) => {
          if (!window.confirm(props.confirmText)) event.preventDefault();
        }}
      >
        {props.text}
      </button>
      <span role="status" className={state.status === 'error' ? 'error' : 'ok'}>
        {state.message}
      </span>
    </form>
  );
}
