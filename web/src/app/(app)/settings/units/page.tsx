import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { UnitsForm } from '../../../../components/units-form.tsx';
import { getPreferences } from '../../../../i18n/preferences.ts';
import { saveUnitPreferences } from '../../../../server/preference-actions.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('units.title') };
}

export default async function UnitsPage() {
  const [t, { units, timeZone }] = await Promise.all([getTranslations('units'), getPreferences()]);
  return (
    <div className="narrow">
      <h1>{t('heading')}</h1>
      <p className="muted">{t('intro')}</p>
      <UnitsForm chosen={units} timeZone={timeZone} save={saveUnitPreferences} />
    </div>
  );
}
