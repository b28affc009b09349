import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm, Field, RemoveButton } from '../../../../components/forms.tsx';
import { LocalTime } from '../../../../components/local-time.tsx';
import { createSite, deleteSite } from '../../../../server/actions.ts';
import { listSites } from '../../../../server/data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.config.sitesTitle };

export default async function SitesConfigPage() {
  const [sites, engineer] = await Promise.all([listSites(), can('engineer')]);
  const c = strings.config;
  return (
    <>
      <h1>{c.sitesTitle}</h1>
      {engineer ? null : <p className="notice">{c.readOnly}</p>}
      {sites.length === 0 ? (
        <p className="empty">{c.noSites}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{c.name}</th>
                <th scope="col">{strings.auth.timeZone}</th>
                <th scope="col">{c.created}</th>
                {engineer ? <th scope="col">{c.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {sites.map((site) => (
                <tr key={site.id}>
                  <th scope="row">
                    <Link href={`/sites/${site.id}`}>{site.name}</Link>
                  </th>
                  <td>{site.timeZone}</td>
                  <td>
                    <LocalTime iso={site.createdAt} />
                  </td>
                  {engineer ? (
                    <td>
                      <Link href={`/config/sites/${site.id}`} aria-label={c.editSite(site.name)}>
                        {c.edit}
                      </Link>{' '}
                      <Link href={`/config/gateways?siteId=${site.id}`}>{c.addGateway}</Link>{' '}
                      <RemoveButton
                        action={deleteSite.bind(null, site.id)}
                        confirmText={c.confirmRemove(site.name)}
                        label={`${strings.remove} ${site.name}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {engineer ? (
        <section aria-labelledby="new-site">
          <h2 id="new-site">{c.newSite}</h2>
          <ActionForm action={createSite} label={c.newSite} submitLabel={c.addSite} pendingLabel={c.adding}>
            <Field name="name" label={c.name} required />
            <Field name="description" label={c.description} />
            <Field name="timeZone" label={strings.auth.timeZone} placeholder="Europe/London" />
            <div className="row">
              <Field
                name="location.latitude"
                label={c.latitude}
                type="number"
                step="any"
                min={-90}
                max={90}
              />
              <Field
                name="location.longitude"
                label={c.longitude}
                type="number"
                step="any"
                min={-180}
                max={180}
              />
            </div>
          </ActionForm>
        </section>
      ) : null}
    </>
  );
}
