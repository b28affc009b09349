'use client';
import { useTranslations } from 'next-intl';

export default function RootError({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations();
  return (
    <main id="main" className="narrow">
      <title>{`${t('errors.errorTitle')} · ${t('common.titleSuffix')}`}</title>
      <h1>{t('errors.errorTitle')}</h1>
      <p>{t('errors.errorText')}</p>
      <button type="button" onClick={reset}>
        {t('errors.tryAgain')}
      </button>
    </main>
  );
}
