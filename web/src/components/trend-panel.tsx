'use client';
// The site's trend: several tags on one uPlot chart over a preset range (15 minutes to a year) or
// any from/to, each tag read by its own aggregate (average, minimum, maximum, last, difference) from
// the API's buckets (through /api/series) and in the viewer's display unit; zoom by dragging or by
// buttons; the chart as shown downloads as CSV or PNG.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useFormatter, useLocale, useTimeZone, useTranslations } from 'next-intl';
import { samePin } from '../home-pins.ts';
import { bucketParts } from '../i18n/translator.ts';
import { type Series, seriesSchema, type TrendRangeId, trendRanges } from '../live-types.ts';
import {
  alignedColumns,
  maxPointsFor,
  type TagReading,
  type TrendAggregate,
  trendAggregates,
  trendCsv,
} from '../trend-data.ts';
import { useUnitPreferences } from '../units/context.tsx';
import { displayUnit } from '../units/display.ts';
import { PinButton } from './pin-button.tsx';
import { CHART_HEIGHT, chartOptions } from './trend-chart.ts';
import { downloadCsv, downloadPng, exportName } from './trend-export.ts';
import { TrendRangeFields } from './trend-range.tsx';

export interface TrendTag {
  id: string;
  name: string;
  unit: string;
  /** A derived tag's key (ADR 0053): offered in a group of its own, after the tags. */
  derivedKey?: string;
}

const MAX_TAGS = 8;
const LONGEST_RANGE_MS = Math.max(...trendRanges.map((r) => r.ms));

interface TimeWindow {
  from: number;
  to: number;
}

type Load = { status: 'idle' | 'loading' | 'error' } | { status: 'ok'; series: Series };

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
  const format = useFormatter();
  const locale = useLocale();
  const timeZone = useTimeZone() ?? 'UTC';
  const unitPreferences = useUnitPreferences();
  const headingId = useId();
  const title = heading ?? t('trend.heading');
  const [selected, setSelected] = useState<string[]>(
    () => initial?.tagIds ?? tags.slice(0, 2).map((t) => t.id),
  );
  const [rangeId, setRangeId] = useState<TrendRangeId | 'custom'>(initial?.range ?? '15m');
  const [custom, setCustom] = useState<TimeWindow | null>(null);
  const [aggregateOf, setAggregateOf] = useState<Record<string, TrendAggregate>>({});
  const [pinned, setPinned] = useState<TrendChartPin[]>(() => [...(pinnedCharts ?? [])]);
  const current: TrendChartPin | null = rangeId === 'custom' ? null : { tagIds: selected, range: rangeId };
  const currentPinned = current !== null && pinned.some((chart) => sameChart(chart, current));
  const [zoom, setZoom] = useState<TimeWindow | null>(null);
  const [load, setLoad] = useState<Load>({ status: 'idle' });
  const chartBox = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [anchor, setAnchor] = useState(() => Date.now());

  const range = trendRanges.find((r) => r.id === rangeId) ?? trendRanges[0];
  const span: TimeWindow =
    zoom ?? (rangeId === 'custom' && custom ? custom : { from: anchor - range.ms, to: anchor });
  const shown = useMemo(() => tags.filter((t) => selected.includes(t.id)), [tags, selected]);
  // How each tag is read: its aggregate, and the unit the viewer reads its quantity in.
  const readings = useMemo(
    () =>
      new Map(
        tags.map((tag) => {
          const unit = displayUnit(tag.unit, unitPreferences);
          return [
            tag.id,
            { aggregate: aggregateOf[tag.id] ?? 'avg', convert: unit.convert, unit: unit.unit },
          ];
        }),
      ),
    [tags, unitPreferences, aggregateOf],
  );
  const readingOf = (tagId: string): TagReading =>
    readings.get(tagId) ?? { aggregate: 'avg', convert: (v) => v };
  const aggregates = [...new Set(shown.map((tag) => readingOf(tag.id).aggregate))].sort().join(',');

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
      aggregates,
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
  }, [shown, span.from, span.to, aggregates]);

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
      const style = getComputedStyle(document.documentElement);
      const plot = new UPlot(
        chartOptions({
          width: box.clientWidth,
          tags: drawn.map((tag) => {
            const reading = readings.get(tag.id);
            return {
              name: tag.name,
              unit: reading?.unit ?? tag.unit,
              ...(reading && reading.aggregate !== 'avg'
                ? { aggregate: t(`trend.aggregates.${reading.aggregate}`) }
                : {}),
            };
          }),
          colours: {
            text: style.getPropertyValue('--muted').trim(),
            grid: style.getPropertyValue('--line').trim(),
          },
          locale,
          timeZone,
          onZoom: (from, to) => setZoom({ from, to }),
        }),
        alignedColumns(
          load.series,
          (tagId) => readings.get(tagId) ?? { aggregate: 'avg', convert: (v) => v },
        ),
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
  }, [load, tags, readings, t, locale, timeZone]);

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
  // One tag's checkbox, and how it is read per interval once it is on the chart.
  const tagChoice = (tag: TrendTag) => {
    const on = selected.includes(tag.id);
    const unit = readings.get(tag.id)?.unit ?? tag.unit;
    return (
      <span key={tag.id} className="trend-tag">
        <label className="check">
          <input
            type="checkbox"
            checked={on}
            disabled={!on && selected.length >= MAX_TAGS}
            onChange={(event) =>
              setSelected((current) =>
                event.target.checked ? [...current, tag.id] : current.filter((id) => id !== tag.id),
              )
            }
          />{' '}
          <span>
            {tag.name}
            {unit ? <span className="muted"> ({unit})</span> : null}
            {tag.derivedKey !== undefined ? <code className="trend-key">{tag.derivedKey}</code> : null}
          </span>
        </label>
        {on ? (
          <select
            aria-label={t('trend.aggregateOf', { name: tag.name })}
            value={aggregateOf[tag.id] ?? 'avg'}
            onChange={(event) =>
              setAggregateOf((current) => ({
                ...current,
                [tag.id]: event.target.value as TrendAggregate,
              }))
            }
          >
            {trendAggregates.map((aggregate) => (
              <option key={aggregate} value={aggregate}>
                {t(`trend.aggregates.${aggregate}`)}
              </option>
            ))}
          </select>
        ) : null}
      </span>
    );
  };
  return (
    <section className="trend" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <div className="trend-controls">
        <fieldset className="trend-tags">
          <legend>{t('trend.tags')}</legend>
          {tags.filter((tag) => tag.derivedKey === undefined).map(tagChoice)}
          {tags.some((tag) => tag.derivedKey !== undefined) ? (
            <fieldset className="trend-tags trend-derived">
              <legend>{t('trend.derivedTags')}</legend>
              {tags.filter((tag) => tag.derivedKey !== undefined).map(tagChoice)}
            </fieldset>
          ) : null}
        </fieldset>
        <div className="trend-buttons">
          <label htmlFor={`${headingId}-range`}>{t('trend.range')}</label>
          <select
            id={`${headingId}-range`}
            value={rangeId}
            onChange={(event) => {
              const next = event.target.value as TrendRangeId | 'custom';
              setRangeId(next);
              setZoom(null);
              setAnchor(Date.now());
              // A fixed period starts as the window shown, for the person to adjust.
              if (next === 'custom') setCustom(span);
            }}
          >
            {trendRanges.map((r) => (
              <option key={r.id} value={r.id}>
                {t(`trend.ranges.${r.id}`)}
              </option>
            ))}
            <option value="custom">{t('trend.customRange')}</option>
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
          {pinnedCharts && current ? (
            <PinButton
              key={`${rangeId}:${selected.join(',')}`}
              pin={{ kind: 'chart', tagIds: selected, range: current.range }}
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
      {rangeId === 'custom' && custom ? (
        <TrendRangeFields
          window={custom}
          onApply={(window) => {
            setCustom(window);
            setZoom(null);
          }}
        />
      ) : null}
      <div className="trend-export">
        <button
          type="button"
          className="secondary"
          disabled={!hasData}
          onClick={() => {
            if (load.status !== 'ok') return;
            const headings = shown.map((tag) => {
              const reading = readings.get(tag.id);
              const what = [reading?.unit, t(`trend.aggregates.${reading?.aggregate ?? 'avg'}`)].filter(
                Boolean,
              );
              return { tagId: tag.id, heading: `${tag.name} (${what.join(', ')})` };
            });
            downloadCsv(trendCsv(load.series, headings, readingOf), exportName(title));
          }}
        >
          {t('trend.downloadCsv')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!hasData}
          onClick={() => {
            const canvas = chart.current?.ctx.canvas;
            if (!canvas) return;
            const when = format.dateTimeRange(new Date(span.from), new Date(span.to), {
              dateStyle: 'medium',
              timeStyle: 'short',
            });
            downloadPng(
              canvas,
              `${title}: ${shown.map((tag) => tag.name).join(', ')} · ${when}`,
              exportName(title),
            );
          }}
        >
          {t('trend.downloadPng')}
        </button>
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
