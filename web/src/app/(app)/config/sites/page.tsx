import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AddSection, ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { ActionForm, Field } from '../../../../components/forms.tsx';
import { LocalTime } from '../../../../components/local-time.tsx';
import { TimeZoneField } from '../../../../components/time-zone-field.tsx';
import { createSite, deleteSite } from '../../../../server/actions.ts';
import { listSites } from '../../../../server/data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('config.sitesTitle') };
}

export default async function SitesConfigPage() {
  const t = await getTranslations();
  const [sites, engineer] = await Promise.all([listSites(), can('engineer')]);
  const c = await getTranslations('config');
  return (
    <ConfigPage title={c('sitesTitle')} engineer={engineer}>
      <ConfigTable
        rows={sites}
        rowKey={(site) => site.id}
        empty={c('noSites')}
        columns={[
          { header: c('name'), cell: (site) => <Link href={`/sites/${site.id}`}>{site.name}</Link> },
          { header: t('auth.timeZone'), cell: (site) => site.timeZone },
          { header: c('created'), cell: (site) => <LocalTime iso={site.createdAt} /> },
        ]}
        actions={
          engineer
            ? (site) => (
                <>
                  <Link href={`/config/sites/${site.id}`} aria-label={c('editSite', { name: site.name })}>
                    {c('edit')}
                  </Link>{' '}
                  <Link href={`/config/gateways?siteId=${site.id}`}>{c('addGateway')}</Link>{' '}
                  <RemoveRow name={site.name} action={deleteSite.bind(null, site.id)} />
                </>
              )
            : undefined
        }
      />
      <AddSection id="new-site" title={c('newSite')} engineer={engineer}>
        <ActionForm
          action={createSite}
          label={c('newSite')}
          submitLabel={c('addSite')}
          pendingLabel={c('adding')}
        >
          <Field name="name" label={c('name')} required />
          <Field name="description" label={c('description')} />
          <TimeZoneField label={t('auth.timeZone')} purpose={c('siteZonePurpose')} />
          <div className="row">
            <Field
              name="location.latitude"
              label={c('latitude')}
              type="number"
              step="any"
              min={-90}
              max={90}
            />
            <Field
              name="location.longitude"
              label={c('longitude')}
              type="number"
              step="any"
              min={-180}
              max={180}
            />
          </div>
        </ActionForm>
      </AddSection>
    </ConfigPage>
  );
}
