import type { Metadata } from 'next';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { getTranslations } from 'next-intl/server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('errors.notFoundTitle') };
}

export default function NotFound() {
  const t = useTranslations();
  return (
    <div className="narrow">
      <h1>{t('errors.notFoundHeading')}</h1>
      <p>{t('errors.notFoundText')}</p>
      <p>
        <Link href="/fleet">{t('errors.backToFleet')}</Link>
      </p>
    </div>
  );
}
