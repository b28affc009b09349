// An asset's page (issue 21): where it sits in the site (breadcrumb and the tree beside), its
// attributes and documents, its measurements live and as a trend over a chosen range (the site
// page's chart, the measurements named in the asset's terms), the active alarms on it and below, what
// is under it; for an engineer, links to edit it and to add an asset under it.
import type { Asset } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { pathTo } from '../../../../asset-search.ts';
import { AssetLive } from '../../../../components/asset-live.tsx';
import { AssetTreePanel } from '../../../../components/asset-tree.tsx';
import { TrendPanel } from '../../../../components/trend-panel.tsx';
import { webEnv } from '../../../../env.ts';
import { getAsset, getAssetTree, listAssetAlarms, listSiteAssets } from '../../../../server/asset-data.ts';
import { getSite } from '../../../../server/data.ts';
import { latestValues } from '../../../../server/monitoring.ts';
import { can } from '../../../../server/viewer.ts';

type Props = { params: Promise<{ assetId: string }> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations();
  const asset = await getAsset((await props.params).assetId);
  return { title: t('assets.title', { name: asset.name }) };
}

/** The tags read by the asset and every asset under it. */
function subtreeTagIds(all: readonly Asset[], rootId: string): string[] {
  const under = new Set([rootId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const asset of all) {
      if (asset.parentId && under.has(asset.parentId) && !under.has(asset.id)) {
        under.add(asset.id);
        grew = true;
      }
    }
  }
  return all
    .filter((asset) => under.has(asset.id))
    .flatMap((asset) => asset.measurements.flatMap((m) => (m.tagId ? [m.tagId] : [])));
}

/** The chart opens with two measurements with a unit (an analogue value), or the first two. */
const firstCharted = (tags: readonly { id: string; unit: string }[]) =>
  [...tags.filter((tag) => tag.unit !== ''), ...tags.filter((tag) => tag.unit === '')]
    .slice(0, 2)
    .map((tag) => tag.id);

export default async function AssetPage(props: Props) {
  const t = await getTranslations();
  const { assetId } = await props.params;
  // The asset first: another tenant's id is a 404 before anything else is asked.
  const asset = await getAsset(assetId);
  const [site, tree, siteAssets, values, alarms, engineer] = await Promise.all([
    getSite(asset.siteId),
    getAssetTree(asset.siteId),
    listSiteAssets(asset.siteId),
    latestValues(asset.siteId),
    listAssetAlarms(asset.id),
    can('engineer'),
  ]);
  const path = pathTo(tree.assets, asset.id);
  // The trend names each bound measurement as the asset does ("Motor current"), in its unit.
  const trendTags = asset.measurements
    .flatMap((m) => (m.tagId ? [{ id: m.tagId, name: m.name, unit: m.unit }] : []))
    .filter((tag, index, all) => all.findIndex((other) => other.id === tag.id) === index);
  const node = path.at(-1);
  const attribute = (value: string | null) => (value ? value : t('assets.none'));
  return (
    <div className="site-with-assets">
      <AssetTreePanel
        tree={tree}
        siteName={site.name}
        current={asset.id}
        {...(engineer ? { siteIdToEdit: site.id } : {})}
      />
      <div>
        <ol className="asset-breadcrumb" aria-label={t('assets.site')}>
          <li>
            <Link href={`/sites/${site.id}`}>{site.name}</Link>
          </li>
          {path.slice(0, -1).map((ancestor) => (
            <li key={ancestor.id}>
              <Link href={`/assets/${ancestor.id}`}>{ancestor.name}</Link>
            </li>
          ))}
        </ol>
        <h1>
          {asset.name} {asset.level ? <span className="muted asset-level">{asset.level}</span> : null}
        </h1>
        {engineer ? (
          <p>
            <Link href={`/assets/${asset.id}/edit`}>{t('assetEdit.editLink')}</Link>
            {' · '}
            <Link href={`/sites/${site.id}/assets/new?parentId=${asset.id}`}>{t('assetEdit.addUnder')}</Link>
          </p>
        ) : null}
        <section aria-labelledby="asset-attributes">
          <h2 id="asset-attributes">{t('assets.attributes')}</h2>
          <dl className="asset-attributes">
            <dt>{t('assets.make')}</dt>
            <dd>{attribute(asset.make)}</dd>
            <dt>{t('assets.modelNumber')}</dt>
            <dd>{attribute(asset.model)}</dd>
            <dt>{t('assets.serial')}</dt>
            <dd>{attribute(asset.serial)}</dd>
            <dt>{t('assets.installDate')}</dt>
            <dd>
              {asset.installDate ? (
                <time dateTime={asset.installDate}>{asset.installDate}</time>
              ) : (
                t('assets.none')
              )}
            </dd>
            <dt>{t('assets.documents')}</dt>
            <dd>
              {asset.documents.length === 0 ? (
                t('assets.noDocuments')
              ) : (
                <ul>
                  {asset.documents.map((document) => (
                    <li key={document.url}>
                      <a href={document.url} rel="noopener noreferrer" target="_blank">
                        {document.title}
                      </a>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        </section>
        <AssetLive
          siteId={site.id}
          measurements={asset.measurements}
          initial={{ now: Date.now(), values, alarms }}
          subtreeTagIds={subtreeTagIds(siteAssets, asset.id)}
          fallbackPollMs={webEnv().LIVE_FALLBACK_POLL_MS}
        />
        <p>
          <Link href={`/alarms?assetId=${asset.id}`}>{t('assets.consoleLink')}</Link>
        </p>
        {trendTags.length > 0 ? (
          <TrendPanel
            key={asset.id}
            tags={trendTags}
            heading={t('assetEdit.trendHeading')}
            initial={{ tagIds: firstCharted(trendTags), range: '1h' }}
          />
        ) : null}
        {node && node.children.length > 0 ? (
          <section aria-labelledby="asset-children">
            <h2 id="asset-children">{t('assets.children')}</h2>
            <ul>
              {node.children.map((child) => (
                <li key={child.id}>
                  <Link href={`/assets/${child.id}`}>{child.name}</Link>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </div>
  );
}
