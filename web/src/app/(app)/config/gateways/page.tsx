import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm, Field, RemoveButton, SelectField } from '../../../../components/forms.tsx';
import { createGateway, deleteGateway } from '../../../../server/actions.ts';
import { listGateways, listSites } from '../../../../server/data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.config.gatewaysTitle };

export default async function GatewaysConfigPage(props: { searchParams: Promise<{ siteId?: string }> }) {
  const { siteId } = await props.searchParams;
  const [sites, gateways, engineer] = await Promise.all([listSites(), listGateways(), can('engineer')]);
  const siteName = new Map(sites.map((site) => [site.id, site.name]));
  const c = strings.config;
  return (
    <>
      <h1>{c.gatewaysTitle}</h1>
      {engineer ? null : <p className="notice">{c.readOnly}</p>}
      {gateways.length === 0 ? (
        <p className="empty">{c.noGateways}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{c.name}</th>
                <th scope="col">{c.site}</th>
                <th scope="col" className="num">
                  {c.configVersion}
                </th>
                {engineer ? <th scope="col">{c.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {gateways.map((gateway) => (
                <tr key={gateway.id}>
                  <th scope="row">{gateway.name}</th>
                  <td>
                    <Link href={`/sites/${gateway.siteId}`}>{siteName.get(gateway.siteId)}</Link>
                  </td>
                  <td className="num">{gateway.configVersion}</td>
                  {engineer ? (
                    <td>
                      <RemoveButton
                        action={deleteGateway.bind(null, gateway.id)}
                        confirmText={c.confirmRemove(gateway.name)}
                        label={`${strings.remove} ${gateway.name}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {engineer && sites.length === 0 ? <p>{c.needSiteFirst}</p> : null}
      {engineer && sites.length > 0 ? (
        <section aria-labelledby="new-gateway">
          <h2 id="new-gateway">{c.newGateway}</h2>
          <ActionForm
            action={createGateway}
            label={c.newGateway}
            submitLabel={c.addGateway}
            pendingLabel={c.adding}
          >
            <SelectField
              name="siteId"
              label={c.site}
              defaultValue={siteId}
              options={sites.map((site) => ({ value: site.id, label: site.name }))}
            />
            <Field name="name" label={c.name} required />
            <Field name="description" label={c.description} />
          </ActionForm>
        </section>
      ) : null}
    </>
  );
}
