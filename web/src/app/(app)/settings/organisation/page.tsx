import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { LogoForm } from '../../../../components/logo-form.tsx';
import { removeLogo, uploadLogo } from '../../../../server/logo-actions.ts';
import { getLogoDataUrl } from '../../../../server/logo-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('organisation.title') };
}

export default async function OrganisationPage() {
  const o = await getTranslations('organisation');
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{o('heading')}</h1>
        <p className="notice">{o('needAdmin')}</p>
      </>
    );
  }
  return (
    <>
      <h1>{o('heading')}</h1>
      <LogoForm logoUrl={await getLogoDataUrl()} upload={uploadLogo} remove={removeLogo} />
    </>
  );
}
