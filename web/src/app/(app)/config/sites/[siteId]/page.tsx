import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ActionForm, Field } from '../../../../../components/forms.tsx';
import { TimeZoneField } from '../../../../../components/time-zone-field.tsx';
import { updateSite } from '../../../../../server/actions.ts';
import { getSite } from '../../../../../server/data.ts';
import { can } from '../../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('config.editSiteTitle') };
}

export default async function EditSitePage(props: { params: Promise<{ siteId: string }> }) {
  const t = await getTranslations();
  const { siteId } = await props.params;
  const [site, engineer] = await Promise.all([getSite(siteId), can('engineer')]);
  const c = await getTranslations('config');
  const d = await getTranslations('derivedTags');
  return (
    <>
      <h1>{c('editSite', { name: site.name })}</h1>
      <p>
        <Link href={`/sites/${site.id}`}>{site.name}</Link>
      </p>
      <p>
        <Link href={`/config/sites/${site.id}/derived-tags`}>{d('link')}</Link>
      </p>
      {engineer ? (
        <ActionForm
          action={updateSite.bind(null, site.id)}
          label={c('editSite', { name: site.name })}
          submitLabel={t('common.save')}
          pendingLabel={c('saving')}
        >
          <Field name="name" label={c('name')} required defaultValue={site.name} />
          <Field name="description" label={c('description')} defaultValue={site.description} />
          <TimeZoneField
            label={t('auth.timeZone')}
            defaultValue={site.timeZone}
            purpose={c('siteZonePurpose')}
          />
          <div className="row">
            <Field
              name="location.latitude"
              label={c('latitude')}
              type="number"
              step="any"
              min={-90}
              max={90}
              defaultValue={site.location?.latitude}
            />
            <Field
              name="location.longitude"
              label={c('longitude')}
              type="number"
              step="any"
              min={-180}
              max={180}
              defaultValue={site.location?.longitude}
            />
          </div>
        </ActionForm>
      ) : (
        <p className="notice">{c('readOnly')}</p>
      )}
    </>
  );
}
