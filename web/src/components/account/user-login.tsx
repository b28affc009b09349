'use client';
// An admin's levers on a user's login: lift the hold on new devices, sign the user out everywhere.
import { useActionState } from 'react';
import type { AccountState } from '../../account-state.ts';
import { endUserSessions, liftLoginProtection } from '../../server/account-settings-actions.ts';
import { FormStatus } from '../forms.tsx';

export function UserLoginAction(props: {
  userId: string;
  kind: 'lift' | 'sign-out';
  text: string;
  confirm: string;
}) {
  const [state, formAction, pending] = useActionState<AccountState>(
    () => (props.kind === 'lift' ? liftLoginProtection(props.userId) : endUserSessions(props.userId)),
    { status: 'idle' },
  );
  return (
    <form action={formAction} className="form">
      <div className="form-actions">
        <button
          type="submit"
          className={props.kind === 'sign-out' ? 'danger' : undefined}
          disabled={pending}
          onClick={(event) => {
            if (!window.confirm(props.confirm)) event.preventDefault();
          }}
        >
          {props.text}
        </button>
      </div>
      <FormStatus state={state} />
    </form>
  );
}
