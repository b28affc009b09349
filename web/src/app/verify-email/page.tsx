import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { VerifyEmail } from '../../components/auth/verify-email.tsx';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('accountAuth');
  return { title: t('verifyTitle') };
}

export default function VerifyEmailPage() {
  const t = useTranslations('accountAuth');
  return (
    <main id="main" className="narrow">
      <h1>{t('verifyHeading')}</h1>
      <VerifyEmail />
      <p>
        <Link href="/login">{t('backToLogIn')}</Link>
      </p>
    </main>
  );
}
