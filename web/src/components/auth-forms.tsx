'use client';
// Log-in, sign-up and log-out controls: next-auth's client calls, so the session cookie is set and
// cleared by next-auth itself.
import { useRouter } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useActionState, useEffect, useId, useState } from 'react';
import { type FormState, idleState } from '../form-state.ts';
import type { Translator } from '../i18n/translator.ts';
import { ActionForm, Field, FormStatus } from './forms.tsx';
import { TimeZoneField } from './time-zone-field.tsx';

async function logIn(email: string, password: string, t: Translator): Promise<string | null> {
  const result = await signIn('credentials', { email, password, redirect: false });
  if (result?.ok && !result.error) return null;
  if (result?.error === 'rate_limited') return t('auth.tooManyAttempts');
  if (result?.error === 'CredentialsSignin') return t('auth.badCredentials');
  return t('errors.generic');
}

export function LogInForm({ notice, callbackUrl }: { notice?: string; callbackUrl: string }) {
  const t = useTranslations();
  const router = useRouter();
  const [state, formAction, pending] = useActionState<FormState, FormData>(
    async (_previous: FormState, form: FormData): Promise<FormState> => {
      const error = await logIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''), t);
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
    <form action={formAction} className="form" aria-label={t('auth.logInHeading')}>
      <div className="field">
        <label htmlFor={email}>{t('auth.email')}</label>
        <input id={email} name="email" type="email" autoComplete="username" required />
      </div>
      <div className="field">
        <label htmlFor={password}>{t('auth.password')}</label>
        <input id={password} name="password" type="password" autoComplete="current-password" required />
      </div>
      <div className="form-actions">
        <button type="submit" disabled={pending}>
          {pending ? t('auth.loggingIn') : t('auth.logIn')}
        </button>
      </div>
      <FormStatus state={state} />
    </form>
  );
}

export function SsoButton({ label }: { label: string }) {
  const t = useTranslations();
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => void signIn('oidc', { callbackUrl: '/fleet' })}
    >
      {t('auth.logInWith', { provider: label })}
    </button>
  );
}

export function SignUpForm(props: { action: (previous: FormState, form: FormData) => Promise<FormState> }) {
  const t = useTranslations();
  const router = useRouter();
  return (
    <ActionForm
      label={t('auth.signUpHeading')}
      submitLabel={t('auth.signUp')}
      pendingLabel={t('auth.signingUp')}
      action={async (previous, form) => {
        const state = await props.action(previous, form);
        if (state.status !== 'ok') return state;
        const error = await logIn(String(form.get('email') ?? ''), String(form.get('password') ?? ''), t);
        if (error) return { status: 'error', message: error };
        router.replace('/fleet?welcome=1');
        router.refresh();
        return state;
      }}
    >
      <Field name="tenantName" label={t('auth.tenantName')} required autoComplete="organization" />
      <Field name="name" label={t('auth.yourName')} required autoComplete="name" />
      <Field name="email" label={t('auth.email')} type="email" required autoComplete="email" />
      <Field
        name="password"
        label={t('auth.password')}
        type="password"
        required
        autoComplete="new-password"
        hint={t('auth.passwordHint')}
      />
      <TimeZoneField label={t('auth.timeZone')} purpose={t('auth.timeZoneHint')} />
    </ActionForm>
  );
}

export function AcceptInviteForm(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
}) {
  const t = useTranslations();
  const router = useRouter();
  // The token travels in the URL fragment, which browsers never send to a server or log.
  const [token, setToken] = useState<string | null>(null);
  useEffect(() => setToken(window.location.hash.slice(1)), []);
  if (token === null) return null;
  if (!token) return <p className="notice">{t('auth.acceptNoToken')}</p>;
  return (
    <ActionForm
      label={t('auth.acceptHeading')}
      submitLabel={t('auth.accept')}
      pendingLabel={t('auth.accepting')}
      action={async (previous, form) => {
        const state = await props.action(previous, form);
        if (state.status !== 'ok' || !state.email) return state;
        const error = await logIn(state.email, String(form.get('password') ?? ''), t);
        if (error) return { status: 'error', message: error };
        router.replace('/fleet');
        router.refresh();
        return { status: 'ok' };
      }}
    >
      <input type="hidden" name="token" value={token} />
      <Field name="name" label={t('auth.yourName')} autoComplete="name" />
      <Field
        name="password"
        label={t('auth.password')}
        type="password"
        required
        autoComplete="new-password"
        hint={t('auth.passwordHint')}
      />
    </ActionForm>
  );
}
