import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { ActionForm, Field, SelectField } from '../../../../components/forms.tsx';
import '../../../../components/gateway-remote/gateway-remote.css';
import { ProvisioningWizard } from '../../../../components/provisioning-wizard.tsx';
import { createGateway, deleteGateway } from '../../../../server/actions.ts';
import { listGateways, listSites } from '../../../../server/data.ts';
import { listGatewayHealth } from '../../../../server/gateway-remote-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('config.gatewaysTitle') };
}

export default async function GatewaysConfigPage(props: { searchParams: Promise<{ siteId?: string }> }) {
  const { siteId } = await props.searchParams;
  const [sites, gateways, engineer, healthList] = await Promise.all([
    listSites(),
    listGateways(),
    can('engineer'),
    listGatewayHealth(),
  ]);
  const siteName = new Map(sites.map((site) => [site.id, site.name]));
  const health = new Map(healthList.map((h) => [h.gatewayId, h]));
  const c = await getTranslations('config');
  const r = await getTranslations('remote');
  return (
    <ConfigPage title={c('gatewaysTitle')} engineer={engineer}>
      <ConfigTable
        rows={gateways}
        rowKey={(gateway) => gateway.id}
        empty={c('noGateways')}
        columns={[
          {
            header: c('name'),
            cell: (gateway) => <Link href={`/config/gateways/${gateway.id}`}>{gateway.name}</Link>,
          },
          {
            header: c('site'),
            cell: (gateway) => <Link href={`/sites/${gateway.siteId}`}>{siteName.get(gateway.siteId)}</Link>,
          },
          {
            header: r('health.state'),
            cell: (gateway) => {
              const state = health.get(gateway.id)?.state ?? 'unknown';
              return <span className={`badge gw-${state}`}>{r(`health.states.${state}`)}</span>;
            },
          },
          {
            header: r('health.config'),
            cell: (gateway) => {
              const config = health.get(gateway.id)?.config;
              return config ? (
                <span className={`badge config-${config.state}`}>
                  {r('health.configState', {
                    state: config.state,
                    applied: config.appliedVersion === null ? 'none' : String(config.appliedVersion),
                    latest: String(config.latestVersion),
                  })}
                </span>
              ) : (
                gateway.configVersion
              );
            },
          },
        ]}
        actions={
          engineer
            ? (gateway) => <RemoveRow name={gateway.name} action={deleteGateway.bind(null, gateway.id)} />
            : undefined
        }
      />
      {engineer && sites.length === 0 ? <p>{c('needSiteFirst')}</p> : null}
      {engineer && sites.length > 0 ? (
        <ProvisioningWizard
          sites={sites.map((site) => ({ id: site.id, name: site.name }))}
          gateways={gateways.map((g) => ({ id: g.id, name: g.name, siteId: g.siteId }))}
          initialSiteId={siteId}
        />
      ) : null}
      {engineer && sites.length > 0 ? (
        <section aria-labelledby="new-gateway">
          <h2 id="new-gateway">{c('newGateway')}</h2>
          <ActionForm
            action={createGateway}
            label={c('newGateway')}
            submitLabel={c('addGateway')}
            pendingLabel={c('adding')}
          >
            <SelectField
              name="siteId"
              label={c('site')}
              defaultValue={siteId}
              options={sites.map((site) => ({ value: site.id, label: site.name }))}
            />
            <Field name="name" label={c('name')} required />
            <Field name="description" label={c('description')} />
          </ActionForm>
        </section>
      ) : null}
    </ConfigPage>
  );
}
