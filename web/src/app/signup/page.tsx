import type { Metadata } from 'next';
import Link from 'next/link';
import { SignUpForm } from '../../components/auth-forms.tsx';
import { signUp } from '../../server/actions.ts';
import { strings } from '../../strings.ts';

export const metadata: Metadata = { title: strings.auth.signUpTitle };

export default function SignUpPage() {
  return (
    <main id="main" className="narrow">
      <h1>{strings.auth.signUpHeading}</h1>
      <p>{strings.auth.signUpIntro}</p>
      <SignUpForm action={signUp} timeZones={Intl.supportedValuesOf('timeZone')} />
      <p>
        {strings.auth.haveAccount} <Link href="/login">{strings.auth.logInLink}</Link>
      </p>
    </main>
  );
}
