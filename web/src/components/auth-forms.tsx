'use client';
// Log-in, sign-up and log-out controls: next-auth's client calls, so the session cookie is set and
// cleared by next-auth itself.
import { useRouter } from 'next/navigation';
import { signIn, signOut } from 'next-auth/react';
import { useActionState, useEffect, useId, useState } from 'react';
import { type FormState, idleState } from '../form-state.ts';
import { strings } from '../strings.ts';
import { ActionForm, Field, FormStatus } from './forms.tsx';

async function logIn(email: string, password: string): Promise<string | null> {
  const result = await signIn('credentials', { email, password, redirect: false });
  if (result?.ok && !result.error) return null;
  if (result?.error === 'rate_limited') return strings.auth.tooManyAttempts;
  if (result?.error === 'CredentialsSignin') return strings.auth.badCredentials;
  return strings.errors.generic;
}

export function LogInForm({ notice, callbackUrl }: { notice?: string; callbackUrl: string }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState<FormState, FormData>(
    async (_previous: FormState, form: FormData): Promise<FormState> => {
      const error = await logIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
      if (error) return { status: 'error', message: error };
      router.replace(callbackUrl);
      router.refresh();
      return { status: 'ok' };
    },
    notice ? ({ status: 'error', message: notice } satisfies FormState) : idleState,
  );
  const email = useId();
  const password = useId();
  return (
    <form action={formAction} className="form" aria-label={strings.auth.logInHeading}>
      <div className="field">
        <label htmlFor={email}>{strings.auth.email}</label>
        <input id={email} name="email" type="email" autoComplete="username" required />
      </div>
      <div className="field">
        <label htmlFor={password}>{strings.auth.password}</label>
        <input id={password} name="password" type="password" autoComplete="current-password" required />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={pending}>
          {pending ? strings.auth.loggingIn : strings.auth.logIn}
        </button>
      </div>
      <FormStatus state={state} />
    </form>
  );
}

export function SsoButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => void signIn('oidc', { callbackUrl: '/fleet' })}
    >
      {strings.auth.logInWith(label)}
    </button>
  );
}

export function SignUpForm(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  timeZones: string[];
}) {
  const router = useRouter();
  // The browser's zone is only known in the browser: render UTC first, then the viewer's own.
  const [zone, setZone] = useState('UTC');
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const zones = useId();
  return (
    <ActionForm
      label={strings.auth.signUpHeading}
      submitLabel={strings.auth.signUp}
      pendingLabel={strings.auth.signingUp}
      action={async (previous, form) => {
        const state = await props.action(previous, form);
        if (state.status !== 'ok') return state;
        const error = await logIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
        if (error) return { status: 'error', message: error };
        router.replace('/fleet?welcome=1');
        router.refresh();
        return state;
      }}
    >
      <Field name="tenantName" label={strings.auth.tenantName} required autoComplete="organization" />
      <Field name="name" label={strings.auth.yourName} required autoComplete="name" />
      <Field name="email" label={strings.auth.email} type="email" required autoComplete="email" />
      <Field
        name="password"
        label={strings.auth.password}
        type="password"
        required
        autoComplete="new-password"
        hint={strings.auth.passwordHint}
      />
      <Field
        name="timeZone"
        label={strings.auth.timeZone}
        hint={strings.auth.timeZoneHint}
        list={zones}
        key={zone}
        defaultValue={zone}
      />
      <datalist id={zones}>
        {props.timeZones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </ActionForm>
  );
}

export function LogOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="link-button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: '/login' });
      }}
    >
      {pending ? strings.auth.loggingOut : strings.nav.logOut}
    </button>
  );
}

export function AcceptInviteForm(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
}) {
  const router = useRouter();
  // The token travels in the URL fragment, which browsers never send to a server or log.
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => setToken(window.location.hash.slice(1)), []);
  if (token === null) return null;
  if (!token) return <p className="notice">{strings.auth.acceptNoToken}</p>;
  return (
    <ActionForm
      label={strings.auth.acceptHeading}
      submitLabel={strings.auth.accept}
      pendingLabel={strings.auth.accepting}
      action={async (previous, form) => {
        const state = await props.action(previous, form);
        if (state.status !== 'ok' || !state.email) return state;
        const error = await logIn(state.email, String(form.get('password') ?? ''));
        if (error) return { status: 'error', message: error };
        router.replace('/fleet');
        router.refresh();
        return { status: 'ok' };
      }}
    >
      <input type="hidden" name="token" value={token} />
      <Field name="name" label={strings.auth.yourName} autoComplete="name" />
      <Field
        name="password"
        label={strings.auth.password}
        type="password"
        required
        autoComplete="new-password"
        hint={strings.auth.passwordHint}
      />
    </ActionForm>
  );
}
