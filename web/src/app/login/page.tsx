import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { safeNext } from '../../account-state.ts';
import { LogInFlow } from '../../components/auth/log-in.tsx';
import { SsoButton } from '../../components/auth-forms.tsx';
import { oidcLabel } from '../../server/auth.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('auth.logInTitle') };
}

export default async function LogInPage(props: {
  searchParams: Promise<{ error?: string; callbackUrl?: string }>;
}) {
  const t = await getTranslations();
  const notices: Record<string, string> = {
    expired: t('auth.sessionExpired'),
    sso_not_linked: t('auth.ssoNotLinked'),
  };
  const { error, callbackUrl } = await props.searchParams;
  // Only same-site paths: never bounce a fresh session to another origin.
  const next = safeNext(callbackUrl);
  const sso = oidcLabel();
  return (
    <main id="main" className="narrow">
      <h1>{t('auth.logInHeading')}</h1>
      <LogInFlow notice={error ? (notices[error] ?? t('errors.generic')) : undefined} next={next} />
      {sso ? (
        <p>
          {t('auth.orUse')} <SsoButton label={sso} />
        </p>
      ) : null}
      <p>
        {t('auth.noAccount')} <Link href="/signup">{t('auth.signUpLink')}</Link>
      </p>
    </main>
  );
}
