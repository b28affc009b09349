import { useTranslations } from 'next-intl';

export default function Loading() {
  const t = useTranslations();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t('common.loading')}
    </p>
  );
}
