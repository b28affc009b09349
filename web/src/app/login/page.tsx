import type { Metadata } from 'next';
import Link from 'next/link';
import { LogInForm, SsoButton } from '../../components/auth-forms.tsx';
import { oidcLabel } from '../../server/auth.ts';
import { strings } from '../../strings.ts';

export const metadata: Metadata = { title: strings.auth.logInTitle };

const notices: Record<string, string> = {
  expired: strings.auth.sessionExpired,
  sso_not_linked: strings.auth.ssoNotLinked,
};

export default async function LogInPage(props: {
  searchParams: Promise<{ error?: string; callbackUrl?: string }>;
}) {
  const { error, callbackUrl } = await props.searchParams;
  // Only same-site paths: never bounce a fresh session to another origin.
  const next = callbackUrl?.startsWith('/') && !callbackUrl.startsWith('//') ? callbackUrl : '/fleet';
  const sso = oidcLabel();
  return (
    <main id="main" className="narrow">
      <h1>{strings.auth.logInHeading}</h1>
      <LogInForm notice={error ? (notices[error] ?? strings.errors.generic) : undefined} callbackUrl={next} />
      {sso ? (
        <p>
          {strings.auth.orUse} <SsoButton label={sso} />
        </p>
      ) : null}
      <p>
        {strings.auth.noAccount} <Link href="/signup">{strings.auth.signUpLink}</Link>
      </p>
    </main>
  );
}
