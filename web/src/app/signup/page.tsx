import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { SignUpFlow } from '../../components/auth/sign-up.tsx';

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
      <SignUpFlow />
      <p>
        {t('auth.haveAccount')} <Link href="/login">{t('auth.logInLink')}</Link>
      </p>
    </main>
  );
}
