import type { Metadata } from 'next';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';
import { AcceptInviteForm } from '../../components/auth-forms.tsx';
import { acceptInvite } from '../../server/actions.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('auth.acceptTitle') };
}

export default function AcceptInvitePage() {
  const t = useTranslations();
  return (
    <main id="main" className="narrow">
      <h1>{t('auth.acceptHeading')}</h1>
      <p>{t('auth.acceptIntro')}</p>
      <AcceptInviteForm action={acceptInvite} />
    </main>
  );
}
