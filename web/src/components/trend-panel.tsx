'use client';
// The site's trend: several tags on one uPlot chart, ranges from 15 minutes to a year read as
// avg/min/max buckets from the API's rollups (through /api/series), zoom by dragging or by buttons,
// each zoom fetching the narrower window at full resolution again.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTranslations } from 'next-intl';
import { samePin } from '../home-pins.ts';
import { bucketParts } from '../i18n/translator.ts';
import { type Series, seriesSchema, type TrendRangeId, trendRanges } from '../live-types.ts';
import { alignedColumns, maxPointsFor } from '../trend-data.ts';
import { PinButton } from './pin-button.tsx';

export interface TrendTag {
  id: string;
  name: string;
  unit: string;
}

/** Distinguishable on white and for the common colour-vision deficiencies (Okabe-Ito). */
const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];
const MAX_TAGS = 8;
const LONGEST_RANGE_MS = Math.max(...trendRanges.map((r) => r.ms));
const CHART_HEIGHT = 320;

interface TimeWindow {
  from: number;
  to: number;
}

type Load = { status: 'idle' | 'loading' | 'error' } | { status: 'ok'; series: Series };

/** Room for the longest tick label, so 125,000 is not cut off. */
const axisSize = (_self: uPlot, values: string[] | null) =>
  Math.max(48, 16 + 8 * Math.max(0, ...(values ?? []).map((v) => String(v ?? '').length)));

/** A chart on the home page: its tags and range (ADR 0019). */
export interface TrendChartPin {
  tagIds: string[];
  range: TrendRangeId;
}

const sameChart = (a: TrendChartPin, b: TrendChartPin) =>
  samePin({ kind: 'chart', ...a }, { kind: 'chart', ...b });

export function TrendPanel({
  tags,
  heading,
  initial,
  pinnedCharts,
}: {
  tags: TrendTag[];
  heading?: string;
  /** The tags and range to open with (a pinned chart); otherwise the first two tags over 15 minutes. */
  initial?: TrendChartPin;
  /** The viewer's pinned charts; with it, the panel offers to pin the chart as shown. */
  pinnedCharts?: readonly TrendChartPin[];
}) {
  const t = useTranslations();
  const headingId = useId();
  const title = heading ?? t('trend.heading');
  const [selected, setSelected] = useState<string[]>(
    () => initial?.tagIds ?? tags.slice(0, 2).map((t) => t.id),
  );
  const [rangeId, setRangeId] = useState<TrendRangeId>(initial?.range ?? '15m');
  const [pinned, setPinned] = useState<TrendChartPin[]>(() => [...(pinnedCharts ?? [])]);
  const current: TrendChartPin = { tagIds: selected, range: rangeId };
  const currentPinned = pinned.some((chart) => sameChart(chart, current));
  const [zoom, setZoom] = useState<TimeWindow | null>(null);
  const [load, setLoad] = useState<Load>({ status: 'idle' });
  const chartBox = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [anchor, setAnchor] = useState(() => Date.now());

  const range = trendRanges.find((r) => r.id === rangeId) ?? trendRanges[0];
  const span: TimeWindow = zoom ?? { from: anchor - range.ms, to: anchor };
  const shown = useMemo(() => tags.filter((t) => selected.includes(t.id)), [tags, selected]);

  // Fetch the window; a newer request supersedes an older one still in flight.
  useEffect(() => {
    if (shown.length === 0) {
      chart.current?.destroy();
      chart.current = null;
      setLoad({ status: 'idle' });
      return;
    }
    const abort = new AbortController();
    setLoad({ status: 'loading' });
    const params = new URLSearchParams({
      tagIds: shown.map((t) => t.id).join(','),
      from: String(Math.floor(span.from)),
      to: String(Math.ceil(span.to)),
      maxPoints: String(maxPointsFor(chartBox.current?.clientWidth ?? 600)),
    });
    fetch(`/api/series?${params}`, { cache: 'no-store', signal: abort.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`series answered ${response.status}`);
        setLoad({ status: 'ok', series: seriesSchema.parse(await response.json()) });
      })
      .catch((error: Error) => {
        if (error.name !== 'AbortError') setLoad({ status: 'error' });
      });
    return () => abort.abort();
  }, [shown, span.from, span.to]);

  // Draw (or redraw) the chart when data arrives; uPlot owns the canvas inside chartBox.
  useEffect(() => {
    const box = chartBox.current;
    if (!box || load.status !== 'ok') return;
    let cancelled = false;
    let resize: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      chart.current?.destroy();
      // The series drawn are the ones the answer holds (the tag choice may have moved on since it was asked).
      const drawn = load.series.series.map(
        (s) => tags.find((t) => t.id === s.tagId) ?? { id: s.tagId, name: s.tagId, unit: s.unit },
      );
      // One y scale per unit, so 40 L/s and 125,000 m3 can share a chart; the first two get an axis each side.
      const units = [...new Set(drawn.map((t) => t.unit))];
      const scaleOf = (unit: string) => `u${units.indexOf(unit)}`;
      const plot = new UPlot(
        {
          width: box.clientWidth,
          height: CHART_HEIGHT,
          scales: { x: { time: true } },
          series: [
            {},
            ...drawn.map((tag, i) => ({
              label: tag.unit ? `${tag.name} (${tag.unit})` : tag.name,
              scale: scaleOf(tag.unit),
              stroke: PALETTE[i % PALETTE.length],
              width: 2,
              // Report by exception: no sample means "unchanged", so the line carries on across the gap.
              spanGaps: true,
            })),
          ],
          axes: [
            {},
            ...units.slice(0, 2).map((unit, side) => ({
              scale: scaleOf(unit),
              label: unit || undefined,
              side: side === 0 ? 3 : 1,
              grid: { show: side === 0 },
              size: axisSize,
            })),
          ],
          cursor: { drag: { x: true, y: false, setScale: false } },
          hooks: {
            setSelect: [
              (u) => {
                if (u.select.width < 5) return;
                const from = u.posToVal(u.select.left, 'x') * 1000;
                const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
                u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
                if (to - from >= 1000) setZoom({ from, to });
              },
            ],
          },
        },
        alignedColumns(load.series),
        box,
      );
      plot.over.addEventListener('dblclick', () => setZoom(null));
      chart.current = plot;
      resize = new ResizeObserver(() => plot.setSize({ width: box.clientWidth, height: CHART_HEIGHT }));
      resize.observe(box);
    });
    return () => {
      cancelled = true;
      resize?.disconnect();
    };
  }, [load, tags]);

  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );

  // The newest end stays put (a trend is read from "now" backwards); the window grows or shrinks to the left.
  const zoomBy = (factor: number) => {
    const width = Math.min(Math.max((span.to - span.from) * factor, 60_000), LONGEST_RANGE_MS);
    setZoom({ from: span.to - width, to: span.to });
  };

  if (tags.length === 0) {
    return (
      <section aria-labelledby={headingId}>
        <h2 id={headingId}>{title}</h2>
        <p className="muted">{t('trend.noTags')}</p>
      </section>
    );
  }

  const hasData = load.status === 'ok' && load.series.series.some((s) => s.buckets.length > 0);
  return (
    <section className="trend" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <div className="trend-controls">
        <fieldset className="trend-tags">
          <legend>{t('trend.tags')}</legend>
          {tags.map((tag) => (
            <label key={tag.id} className="check">
              <input
                type="checkbox"
                checked={selected.includes(tag.id)}
                disabled={!selected.includes(tag.id) && selected.length >= MAX_TAGS}
                onChange={(event) =>
                  setSelected((current) =>
                    event.target.checked ? [...current, tag.id] : current.filter((id) => id !== tag.id),
                  )
                }
              />{' '}
              {tag.name}
              {tag.unit ? <span className="muted"> ({tag.unit})</span> : null}
            </label>
          ))}
        </fieldset>
        <div className="trend-buttons">
          <label htmlFor={`${headingId}-range`}>{t('trend.range')}</label>
          <select
            id={`${headingId}-range`}
            value={rangeId}
            onChange={(event) => {
              setRangeId(event.target.value as TrendRangeId);
              setZoom(null);
              setAnchor(Date.now());
            }}
          >
            {trendRanges.map((r) => (
              <option key={r.id} value={r.id}>
                {t(`trend.ranges.${r.id}`)}
              </option>
            ))}
          </select>
          <button type="button" className="secondary" onClick={() => zoomBy(0.5)}>
            {t('trend.zoomIn')}
          </button>
          <button type="button" className="secondary" onClick={() => zoomBy(2)}>
            {t('trend.zoomOut')}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={zoom === null}
            onClick={() => {
              setZoom(null);
              setAnchor(Date.now());
            }}
          >
            {t('trend.resetZoom')}
          </button>
          {pinnedCharts ? (
            <PinButton
              key={`${rangeId}:${selected.join(',')}`}
              pin={{ kind: 'chart', tagIds: selected, range: rangeId }}
              pinned={currentPinned}
              disabled={selected.length === 0}
              label={{ pin: t('pin.pinChartLabel'), unpin: t('pin.unpinChartLabel') }}
              text={{ pin: t('pin.pinChart'), unpin: t('pin.unpinChart') }}
              onChange={(on) =>
                setPinned((charts) => [
                  ...charts.filter((chart) => !sameChart(chart, current)),
                  ...(on ? [current] : []),
                ])
              }
            />
          ) : null}
        </div>
      </div>
      <p className="hint" role="status">
        {load.status === 'loading'
          ? t('trend.loading')
          : load.status === 'error'
            ? t('trend.error')
            : shown.length === 0
              ? t('trend.pickTags')
              : load.status === 'ok' && !hasData
                ? t('trend.noData')
                : load.status === 'ok'
                  ? `${t('trend.bucket', bucketParts(load.series.bucketMs))} · ${t('trend.hint')}`
                  : ''}
      </p>
      <div
        ref={chartBox}
        className="chart"
        role="img"
        aria-label={t('trend.chartLabel', { names: shown.map((t) => t.name).join(', ') })}
      />
    </section>
  );
}
