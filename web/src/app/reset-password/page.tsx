import type { Metadata } from 'next';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { ResetPasswordForm } from '../../components/auth/password-reset.tsx';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('accountAuth');
  return { title: t('resetTitle') };
}

export default function ResetPasswordPage() {
  const t = useTranslations('accountAuth');
  return (
    <main id="main" className="narrow">
      <h1>{t('resetHeading')}</h1>
      <p>{t('resetIntro')}</p>
      <ResetPasswordForm />
    </main>
  );
}
