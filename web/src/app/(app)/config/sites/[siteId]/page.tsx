import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm, Field } from '../../../../../components/forms.tsx';
import { updateSite } from '../../../../../server/actions.ts';
import { getSite } from '../../../../../server/data.ts';
import { can } from '../../../../../server/viewer.ts';
import { strings } from '../../../../../strings.ts';

export const metadata: Metadata = { title: strings.config.editSiteTitle };

export default async function EditSitePage(props: { params: Promise<{ siteId: string }> }) {
  const { siteId } = await props.params;
  const [site, engineer] = await Promise.all([getSite(siteId), can('engineer')]);
  const c = strings.config;
  return (
    <>
      <h1>{c.editSite(site.name)}</h1>
      <p>
        <Link href={`/sites/${site.id}`}>{site.name}</Link>
      </p>
      {engineer ? (
        <ActionForm
          action={updateSite.bind(null, site.id)}
          label={c.editSite(site.name)}
          submitLabel={strings.save}
          pendingLabel={c.saving}
        >
          <Field name="name" label={c.name} required defaultValue={site.name} />
          <Field name="description" label={c.description} defaultValue={site.description} />
          <Field name="timeZone" label={strings.auth.timeZone} defaultValue={site.timeZone} />
          <div className="row">
            <Field
              name="location.latitude"
              label={c.latitude}
              type="number"
              step="any"
              min={-90}
              max={90}
              defaultValue={site.location?.latitude}
            />
            <Field
              name="location.longitude"
              label={c.longitude}
              type="number"
              step="any"
              min={-180}
              max={180}
              defaultValue={site.location?.longitude}
            />
          </div>
        </ActionForm>
      ) : (
        <p className="notice">{c.readOnly}</p>
      )}
    </>
  );
}
