'use client';
// The home page's pins (ADR 0019): live values of pinned tags, per site through the same hook as the
// site dashboard (pushed, or polled when many sites are pinned), and pinned charts drawn by the site's trend panel. Unpinning re-renders the
// page from the server, so the list is always the one the API keeps.
import type { HomeLayout } from '@plantwatch/shared';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { PinButton } from './pin-button.tsx';
import { LiveValueCells, useSiteLive } from './site-live.tsx';
import { TrendPanel } from './trend-panel.tsx';

type PinnedTag = HomeLayout['tags'][number];

/** One site's pinned tags with their live values. */
export function PinnedSiteValues(props: {
  siteId: string;
  siteName: string;
  tags: PinnedTag[];
  fallbackPollMs: number;
  push: boolean;
}) {
  const t = useTranslations();
  const router = useRouter();
  const { values, live, now } = useSiteLive(
    props.siteId,
    { now: Date.now(), values: [], alarms: [] },
    props.fallbackPollMs,
    props.push,
  );
  return (
    <section className="card" aria-labelledby={`pinned-${props.siteId}`}>
      <h3 id={`pinned-${props.siteId}`}>
        <Link href={`/sites/${props.siteId}`}>{props.siteName}</Link>
      </h3>
      {live.status === 'reconnecting' || live.status === 'stale' ? (
        <p className="error">{t('site.liveError')}</p>
      ) : null}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('site.columns.tag')}</th>
              <th scope="col" className="num">
                {t('site.columns.value')}
              </th>
              <th scope="col">{t('site.columns.quality')}</th>
              <th scope="col">{t('site.columns.updated')}</th>
              <th scope="col">{t('home.pinnedColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {props.tags.map((tag) => (
              <tr key={tag.id} data-pinned-tag={tag.id}>
                <th scope="row">{tag.name}</th>
                <LiveValueCells value={values.get(tag.id)} unit={tag.unit} now={now} />
                <td>
                  <PinButton
                    pin={{ kind: 'tag', tagId: tag.id }}
                    pinned
                    label={{
                      pin: t('pin.pinTagLabel', { name: tag.name }),
                      unpin: t('pin.unpinTagLabel', { name: tag.name }),
                    }}
                    text={{ pin: t('pin.pinTag'), unpin: t('pin.unpinTag') }}
                    onChange={() => router.refresh()}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A pinned chart: the trend panel opened on the pin's tags and range. */
export function PinnedChart(props: {
  pin: Extract<HomeLayout['pins'][number], { kind: 'chart' }>;
  tags: PinnedTag[];
  siteNames: string;
}) {
  const t = useTranslations();
  const router = useRouter();
  const names = props.tags.map((t) => t.name).join(', ');
  return (
    <div className="card pinned-chart">
      <TrendPanel
        heading={t('home.chartOf', { names: names })}
        tags={props.tags.map((t) => ({ id: t.id, name: t.name, unit: t.unit }))}
        initial={{ tagIds: props.pin.tagIds, range: props.pin.range }}
      />
      <p className="muted">
        {props.siteNames} ·{' '}
        <PinButton
          pin={props.pin}
          pinned
          label={{ pin: t('pin.pinChartLabel'), unpin: t('pin.unpinChartLabel') }}
          text={{ pin: t('pin.pinChart'), unpin: t('pin.unpinChart') }}
          onChange={() => router.refresh()}
        />
      </p>
    </div>
  );
}
