import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { ForgotPasswordForm } from '../../components/auth/password-reset.tsx';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('accountAuth');
  return { title: t('forgotTitle') };
}

export default function ForgotPasswordPage() {
  const t = useTranslations('accountAuth');
  return (
    <main id="main" className="narrow">
      <h1>{t('forgotHeading')}</h1>
      <p>{t('forgotIntro')}</p>
      <ForgotPasswordForm />
      <p>
        <Link href="/login">{t('backToLogIn')}</Link>
      </p>
    </main>
  );
}
