// The uPlot options of the trend: one y scale per unit (the first two with an axis each side), colours
// that stay apart for colour-blind readers, and drag-to-zoom reported to the panel.
import type uPlot from 'uplot';

/** Distinguishable on light and dark backgrounds and for the common colour-vision deficiencies (Okabe-Ito). */
export const PALETTE = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#7f7f7f',
  '#f0e442',
];
export const CHART_HEIGHT = 320;

export interface DrawnTag {
  name: string;
  /** The unit shown (after any conversion). */
  unit: string;
  /** The aggregate when it is not the average, e.g. "max". */
  aggregate?: string;
}

/** Room for the longest tick label, so 125,000 is not cut off. */
const axisSize = (_self: uPlot, values: string[] | null) =>
  Math.max(48, 16 + 8 * Math.max(0, ...(values ?? []).map((v) => String(v ?? '').length)));

/**
 * Time labels in the viewer's language and zone (uPlot's own are US-style): times of day within two
 * days, dates with times within two months, dates beyond.
 */
export function timeLabels(locale: string, timeZone: string) {
  const formats = {
    seconds: new Intl.DateTimeFormat(locale, { timeZone, timeStyle: 'medium' }),
    time: new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit' }),
    dayTime: new Intl.DateTimeFormat(locale, {
      timeZone,
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }),
    day: new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'short', year: '2-digit' }),
    full: new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'medium' }),
  };
  return {
    /** Tick labels for a visible span (seconds on uPlot's axis). */
    ticks(splits: number[], spanSeconds: number): string[] {
      const format =
        spanSeconds <= 600
          ? formats.seconds
          : spanSeconds <= 2 * 86_400
            ? formats.time
            : spanSeconds <= 62 * 86_400
              ? formats.dayTime
              : formats.day;
      return splits.map((seconds) => format.format(seconds * 1000));
    },
    /** The legend's time under the cursor. */
    full: (seconds: number) => formats.full.format(seconds * 1000),
  };
}

export function chartOptions(input: {
  width: number;
  tags: DrawnTag[];
  locale: string;
  timeZone: string;
  /** Axis and grid colours from the theme's tokens. */
  colours: { text: string; grid: string };
  onZoom: (from: number, to: number) => void;
}): uPlot.Options {
  const units = [...new Set(input.tags.map((tag) => tag.unit))];
  const scaleOf = (unit: string) => `u${units.indexOf(unit)}`;
  const axis = {
    stroke: input.colours.text,
    grid: { stroke: input.colours.grid, width: 1 },
    ticks: { stroke: input.colours.grid },
  };
  const labels = timeLabels(input.locale, input.timeZone);
  return {
    width: input.width,
    height: CHART_HEIGHT,
    scales: { x: { time: true } },
    series: [
      { value: (_u: uPlot, seconds: number | null) => (seconds === null ? '—' : labels.full(seconds)) },
      ...input.tags.map((tag, i) => ({
        label: `${tag.name}${tag.unit || tag.aggregate ? ` (${[tag.unit, tag.aggregate].filter(Boolean).join(', ')})` : ''}`,
        scale: scaleOf(tag.unit),
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        // Report by exception: no sample means "unchanged", so the line carries on across the gap.
        spanGaps: true,
      })),
    ],
    axes: [
      {
        ...axis,
        values: (u: uPlot, splits: number[]) =>
          labels.ticks(splits, (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)),
      },
      ...units.slice(0, 2).map((unit, side) => ({
        ...axis,
        scale: scaleOf(unit),
        label: unit || undefined,
        side: side === 0 ? 3 : 1,
        grid: { ...axis.grid, show: side === 0 },
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
          if (to - from >= 1000) input.onZoom(from, to);
        },
      ],
    },
  };
}
