'use client';
// Single sign-on and accepting an invitation. The login and sign-up flows are in ./auth/; every
// session cookie is written by the server (server/auth.ts), next-auth signs out.
import { useRouter } from 'next/navigation';
import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import type { FormState } from '../form-state.ts';
import { ActionForm, Field } from './forms.tsx';

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
        // The invitation's session signs the browser in (server/auth.ts startWebSession).
        const state = await props.action(previous, form);
        if (state.status !== 'ok') return state;
        router.replace('/fleet');
        router.refresh();
        return state;
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
        hint={t('accountAuth.passwordRules')}
      />
    </ActionForm>
  );
}
