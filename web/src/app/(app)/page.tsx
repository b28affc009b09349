// The home page (ADR 0019): the viewer's own pinned tags with live values and pinned charts, kept by
// the API per user so they follow the viewer between devices; an empty state says how to pin.
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { PinnedChart, PinnedSiteValues } from '../../components/home-pins.tsx';
import { webEnv } from '../../env.ts';
import { listSites } from '../../server/data.ts';
import { getHomeLayout } from '../../server/layout-data.ts';

/** Sites whose pinned values are pushed; more are polled. */
const MAX_PUSHED_SITES = 2;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('home.title') };
}

export default async function HomePage() {
  const t = await getTranslations();
  const [layout, sites] = await Promise.all([getHomeLayout(), listSites()]);
  const siteName = new Map(sites.map((site) => [site.id, site.name]));
  const tagById = new Map(layout.tags.map((tag) => [tag.id, tag]));
  const pinnedTags = layout.pins.flatMap((pin) => (pin.kind === 'tag' ? [tagById.get(pin.tagId)] : []));
  // Values grouped by site, sites in the order of their first pinned tag.
  const bySite = new Map<string, NonNullable<(typeof pinnedTags)[number]>[]>();
  for (const tag of pinnedTags) {
    if (!tag) continue;
    bySite.set(tag.siteId, [...(bySite.get(tag.siteId) ?? []), tag]);
  }
  const charts = layout.pins.flatMap((pin) => (pin.kind === 'chart' ? [pin] : []));

  return (
    <>
      <h1>{t('home.heading')}</h1>
      {layout.pins.length === 0 ? (
        <section className="empty">
          <p>
            <strong>{t('home.empty')}</strong>
          </p>
          <p>{t('home.howToPin')}</p>
          <Link className="button" href="/fleet">
            {t('home.openFleet')}
          </Link>
        </section>
      ) : (
        <>
          <p className="muted">{t('home.intro')}</p>
          {bySite.size > 0 ? (
            <section aria-labelledby="pinned-values-heading">
              <h2 id="pinned-values-heading">{t('home.valuesHeading')}</h2>
              {[...bySite].map(([siteId, tags]) => (
                <PinnedSiteValues
                  key={siteId}
                  siteId={siteId}
                  siteName={siteName.get(siteId) ?? siteId}
                  tags={tags}
                  fallbackPollMs={webEnv().LIVE_FALLBACK_POLL_MS}
                  // A stream holds one of the six connections a browser opens to a server over HTTP/1.1:
                  // more than two sites' values are polled instead (ADR 0028).
                  push={bySite.size <= MAX_PUSHED_SITES}
                />
              ))}
            </section>
          ) : null}
          {charts.length > 0 ? (
            <section aria-labelledby="pinned-charts-heading">
              <h2 id="pinned-charts-heading">{t('home.chartsHeading')}</h2>
              {charts.map((pin) => {
                const tags = pin.tagIds.flatMap((id) => tagById.get(id) ?? []);
                const siteNames = [...new Set(tags.map((t) => siteName.get(t.siteId) ?? t.siteId))].join(
                  ', ',
                );
                return (
                  <PinnedChart
                    key={`${pin.range}:${pin.tagIds.join(',')}`}
                    pin={pin}
                    tags={tags}
                    siteNames={siteNames}
                  />
                );
              })}
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
