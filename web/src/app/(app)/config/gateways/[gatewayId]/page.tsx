import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ConfigDiffView } from '../../../../../components/gateway-remote/config-diff-view.tsx';
import { ConfigVersions } from '../../../../../components/gateway-remote/config-versions.tsx';
import { HealthPanel } from '../../../../../components/gateway-remote/health-panel.tsx';
import { RefreshEvery } from '../../../../../components/gateway-remote/refresh-every.tsx';
import { diffConfigs } from '../../../../../config-diff.ts';
import '../../../../../components/gateway-remote/gateway-remote.css';
import { listDevices, listSites, listUsers } from '../../../../../server/data.ts';
import {
  getConfigVersion,
  getGateway,
  getGatewayHealth,
  listConfigVersions,
} from '../../../../../server/gateway-remote-data.ts';
import { can, getViewer } from '../../../../../server/viewer.ts';

export async function generateMetadata(props: { params: Promise<{ gatewayId: string }> }): Promise<Metadata> {
  const t = await getTranslations('remote');
  const gateway = await getGateway((await props.params).gatewayId);
  return { title: t('gateway.title', { name: gateway.name }) };
}

const versionParam = (value: string | undefined) => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
};

export default async function GatewayPage(props: {
  params: Promise<{ gatewayId: string }>;
  searchParams: Promise<{ from?: string; to?: string }>;
}) {
  const { gatewayId } = await props.params;
  const search = await props.searchParams;
  const t = await getTranslations('remote');
  const [gateway, health, versions, devices, sites, engineer, admin, viewer] = await Promise.all([
    getGateway(gatewayId),
    getGatewayHealth(gatewayId),
    listConfigVersions(gatewayId),
    listDevices(gatewayId),
    listSites(),
    can('engineer'),
    can('admin'),
    getViewer(),
  ]);
  // Names of who changed what: the users list is for admins; others see "you" or "a user".
  const users = admin ? await listUsers() : [];
  const from = versionParam(search.from);
  const to = versionParam(search.to);
  const known = new Set(versions.map((v) => v.version));
  const compare =
    from !== undefined && to !== undefined && known.has(from) && known.has(to)
      ? await Promise.all([getConfigVersion(gatewayId, from), getConfigVersion(gatewayId, to)])
      : null;
  const site = sites.find((s) => s.id === gateway.siteId);
  return (
    <>
      <RefreshEvery seconds={10} />
      <h1>{t('gateway.title', { name: gateway.name })}</h1>
      <p>
        {site ? <Link href={`/sites/${site.id}`}>{site.name}</Link> : null}
        {' · '}
        <Link href="/config/gateways">{t('gateway.all')}</Link>
        {gateway.description ? ` · ${gateway.description}` : ''}
      </p>
      {engineer ? null : <p className="notice">{t('gateway.readOnly')}</p>}
      <HealthPanel health={health} deviceNames={new Map(devices.map((device) => [device.id, device.name]))} />
      <section aria-labelledby="config-versions">
        <h2 id="config-versions">{t('versions.heading')}</h2>
        <p className="hint">{t('versions.intro')}</p>
        <ConfigVersions
          gatewayId={gateway.id}
          versions={versions}
          config={health.config}
          engineer={engineer}
          viewerId={viewer.userId}
          userNames={new Map(users.map((user) => [user.id, user.name || user.email]))}
        />
      </section>
      {versions.length > 1 ? (
        <section aria-labelledby="diff">
          <h2 id="diff">{t('diff.heading')}</h2>
          <form className="diff-pick" action={`/config/gateways/${gateway.id}#diff`}>
            <div className="field">
              <label htmlFor="diff-from">{t('diff.from')}</label>
              <select id="diff-from" name="from" defaultValue={String(from ?? versions[1]?.version)}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="diff-to">{t('diff.to')}</label>
              <select id="diff-to" name="to" defaultValue={String(to ?? versions[0]?.version)}>
                {versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="secondary">
              {t('diff.compare')}
            </button>
          </form>
          {compare ? (
            <>
              <h3>{t('diff.title', { from: compare[0].version, to: compare[1].version })}</h3>
              <ConfigDiffView
                diff={diffConfigs(compare[0].config, compare[1].config)}
                from={compare[0].version}
                to={compare[1].version}
              />
            </>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
