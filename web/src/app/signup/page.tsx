import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { SignUpForm } from '../../components/auth-forms.tsx';
import { signUp } from '../../server/actions.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('auth.signUpTitle') };
}

export default function SignUpPage() {
  const t = useTranslations();
  return (
    <main id="main" className="narrow">
      <h1>{t('auth.signUpHeading')}</h1>
      <p>{t('auth.signUpIntro')}</p>
      <SignUpForm action={signUp} />
      <p>
        {t('auth.haveAccount')} <Link href="/login">{t('auth.logInLink')}</Link>
      </p>
    </main>
  );
}
