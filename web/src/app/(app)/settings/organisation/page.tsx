import type { Metadata } from 'next';
import { LogoForm } from '../../../../components/logo-form.tsx';
import { removeLogo, uploadLogo } from '../../../../server/logo-actions.ts';
import { getLogoDataUrl } from '../../../../server/logo-data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.organisation.title };

export default async function OrganisationPage() {
  const o = strings.organisation;
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{o.heading}</h1>
        <p className="notice">{o.needAdmin}</p>
      </>
    );
  }
  return (
    <>
      <h1>{o.heading}</h1>
      <LogoForm logoUrl={await getLogoDataUrl()} upload={uploadLogo} remove={removeLogo} />
    </>
  );
}
