import type { Tag } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AssetTreePanel } from '../../../../components/asset-tree.tsx';
import { CurveScatter } from '../../../../components/curve-scatter.tsx';
import { LocalTime } from '../../../../components/local-time.tsx';
import { type DashboardGateway, SiteLive } from '../../../../components/site-live.tsx';
import { TrendPanel, type TrendTag } from '../../../../components/trend-panel.tsx';
import { webEnv } from '../../../../env.ts';
import { describeTagAddress, isTrendable } from '../../../../plant-text.ts';
import { getAssetTree } from '../../../../server/asset-data.ts';
import { siteCurveScatters } from '../../../../server/curve-data.ts';
import { getSite, getSiteTree } from '../../../../server/data.ts';
import { listDerivedTags } from '../../../../server/derived-tags-data.ts';
import { getHomeLayout } from '../../../../server/layout-data.ts';
import { latestValues, listAlarms } from '../../../../server/monitoring.ts';
import { can } from '../../../../server/viewer.ts';

type Props = { params: Promise<{ siteId: string }> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations();
  const site = await getSite((await props.params).siteId);
  return { title: t('site.title', { name: site.name }) };
}

const describeAddress = (tag: Tag) => describeTagAddress(tag.address);
const trendable = isTrendable;

export default async function SitePage(props: Props) {
  const t = await getTranslations();
  const { siteId } = await props.params;
  // The tree first: another tenant's site is a 404 before anything else is asked.
  const { site, gateways } = await getSiteTree(siteId);
  const [values, alarms, engineer, operator, layout, assetTree, curves, derivedTags] = await Promise.all([
    latestValues(site.id),
    listAlarms({ siteId: site.id, status: 'active' }),
    can('engineer'),
    can('operator'),
    getHomeLayout(),
    getAssetTree(site.id),
    siteCurveScatters(site.id),
    listDerivedTags(site.id),
  ]);
  const pinnedTagIds = layout.pins.flatMap((pin) => (pin.kind === 'tag' ? [pin.tagId] : []));
  const pinnedCharts = layout.pins.flatMap((pin) => (pin.kind === 'chart' ? [pin] : []));
  const dashboard: DashboardGateway[] = gateways.map(({ gateway, devices }) => ({
    id: gateway.id,
    name: gateway.name,
    description: gateway.description,
    devices: devices.map(({ device, tags }) => ({
      id: device.id,
      name: device.name,
      key: device.key,
      tags: tags.map((tag) => ({
        id: tag.id,
        name: tag.name,
        key: tag.key,
        unit: tag.unit,
        address: describeAddress(tag),
      })),
    })),
  }));
  const trendTags: TrendTag[] = gateways
    .flatMap(({ devices }) => devices.flatMap(({ tags }) => tags))
    .filter(trendable)
    .map((tag) => ({ id: tag.id, name: tag.name, unit: tag.unit }))
    // the site's derived tags beside its tags, in a group of their own (ADR 0053)
    .concat(derivedTags.map((tag) => ({ id: tag.id, name: tag.name, unit: tag.unit, derivedKey: tag.key })));
  const dashboardDerived = derivedTags.map((tag) => ({
    id: tag.id,
    name: tag.name,
    key: tag.key,
    unit: tag.unit,
    address: tag.formula,
  }));
  const allTags = [...gateways.flatMap(({ devices }) => devices.flatMap(({ tags }) => tags)), ...derivedTags];
  const tagLabel = (tagId: string) => {
    const tag = allTags.find((candidate) => candidate.id === tagId);
    return tag ? `${tag.name}${tag.unit ? ` (${tag.unit})` : ''}` : tagId.slice(0, 8);
  };
  const page = (
    <>
      <h1>{site.name}</h1>
      {site.description ? <p>{site.description}</p> : null}
      <p className="muted">
        {site.timeZone}
        {site.location
          ? ` · ${t('site.location')} ${site.location.latitude.toFixed(4)}, ${site.location.longitude.toFixed(4)}`
          : ''}{' '}
        · {t('site.created')} <LocalTime iso={site.createdAt} />
        {engineer ? (
          <>
            {' · '}
            <Link href={`/config/sites/${site.id}`}>{t('site.configure')}</Link>
            {assetTree.assets.length === 0 ? (
              <>
                {' · '}
                <Link href={`/sites/${site.id}/assets/new`}>{t('assetEdit.addAsset')}</Link>
              </>
            ) : null}
          </>
        ) : null}
      </p>
      {gateways.length === 0 ? (
        <section className="empty">
          <p>{t('site.noGateways')}</p>
          {engineer ? (
            <Link className="button" href={`/config/gateways?siteId=${site.id}`}>
              {t('site.addGateway')}
            </Link>
          ) : null}
        </section>
      ) : (
        <>
          <SiteLive
            siteId={site.id}
            gateways={dashboard}
            initial={{ now: Date.now(), values, alarms }}
            canAcknowledge={operator}
            pinnedTagIds={pinnedTagIds}
            derivedTags={dashboardDerived}
            fallbackPollMs={webEnv().LIVE_FALLBACK_POLL_MS}
          />
          <TrendPanel tags={trendTags} pinnedCharts={pinnedCharts} />
          {curves.length > 0 ? (
            <section aria-labelledby="curve-scatters">
              <h2 id="curve-scatters">{t('site.curves.heading')}</h2>
              <div className="curve-scatters">
                {curves.map(({ rule, scatter }) => (
                  <CurveScatter
                    key={rule.id}
                    scatter={scatter}
                    labels={{
                      title: rule.name,
                      axes: t('site.curves.axes', { x: tagLabel(rule.xTagId), y: tagLabel(rule.tagId) }),
                      inside: t('site.curves.inside'),
                      outside: t('site.curves.outside'),
                      beyond: t('site.curves.beyond'),
                      band: t('site.curves.band'),
                      noData: t('site.curves.noData'),
                    }}
                  />
                ))}
              </div>
            </section>
          ) : null}
        </>
      )}
    </>
  );
  // the asset tree beside the dashboard, once the site has assets (issue 21)
  if (assetTree.assets.length === 0) return page;
  return (
    <div className="site-with-assets">
      <AssetTreePanel
        tree={assetTree}
        siteName={site.name}
        {...(engineer ? { siteIdToEdit: site.id } : {})}
      />
      <div>{page}</div>
    </div>
  );
}
