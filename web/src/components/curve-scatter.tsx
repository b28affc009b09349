// The operating-curve scatter on the site dashboard (issue 17, ADR 0048): X against Y over the last
// hour with the curve, its band, and each point coloured inside or outside it. Drawn on the server as
// SVG from curveScatter's model; the words come translated from the page.
import type { Scatter } from '../curve-scatter.ts';
import '../app/curve-scatter.css';

const W = 360;
const H = 240;
const PAD = 36;

export interface CurveScatterLabels {
  title: string;
  axes: string;
  inside: string;
  outside: string;
  beyond: string;
  band: string;
  noData: string;
}

export function CurveScatter({ scatter, labels }: { scatter: Scatter; labels: CurveScatterLabels }) {
  const [x0, x1] = scatter.xRange;
  const [y0, y1] = scatter.yRange;
  const sx = (x: number) => PAD + ((x - x0) / (x1 - x0)) * (W - 2 * PAD);
  const sy = (y: number) => H - PAD - ((y - y0) / (y1 - y0)) * (H - 2 * PAD);
  const path = (points: readonly [number, number][]) =>
    points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  const band = `${path(scatter.upper)} ${[...scatter.lower]
    .reverse()
    .map(([x, y]) => `L${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
    .join(' ')} Z`;
  const counts = {
    inside: scatter.points.filter((p) => p.judged === 'inside').length,
    outside: scatter.points.filter((p) => p.judged === 'outside').length,
    beyond: scatter.points.filter((p) => p.judged === 'beyond').length,
  };
  return (
    <figure className="curve-scatter">
      <figcaption>
        <strong>{labels.title}</strong> <span className="muted">{labels.axes}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${labels.title}: ${labels.axes}`}>
        <rect x={PAD} y={PAD} width={W - 2 * PAD} height={H - 2 * PAD} className="curve-scatter-frame" />
        <path d={band} className="curve-scatter-band" />
        <path d={path(scatter.curve)} className="curve-scatter-curve" />
        {scatter.points.map((p, i) => (
          <circle
            // biome-ignore lint/suspicious/noArrayIndexKey: points are redrawn whole, never reordered
            key={i}
            cx={sx(p.x).toFixed(1)}
            cy={sy(p.y).toFixed(1)}
            r={3}
            className={`curve-scatter-point curve-scatter-${p.judged}`}
          />
        ))}
        <text x={PAD} y={H - PAD + 14} className="curve-scatter-tick">
          {formatTick(x0)}
        </text>
        <text x={W - PAD} y={H - PAD + 14} textAnchor="end" className="curve-scatter-tick">
          {formatTick(x1)}
        </text>
        <text x={PAD - 4} y={H - PAD} textAnchor="end" className="curve-scatter-tick">
          {formatTick(y0)}
        </text>
        <text x={PAD - 4} y={PAD + 8} textAnchor="end" className="curve-scatter-tick">
          {formatTick(y1)}
        </text>
      </svg>
      {scatter.points.length === 0 ? (
        <p className="muted">{labels.noData}</p>
      ) : (
        <ul className="curve-scatter-legend">
          <li>
            <span className="curve-scatter-key curve-scatter-inside" /> {labels.inside} ({counts.inside})
          </li>
          <li>
            <span className="curve-scatter-key curve-scatter-outside" /> {labels.outside} ({counts.outside})
          </li>
          {counts.beyond > 0 ? (
            <li>
              <span className="curve-scatter-key curve-scatter-beyond" /> {labels.beyond} ({counts.beyond})
            </li>
          ) : null}
          <li>
            <span className="curve-scatter-key curve-scatter-band" /> {labels.band}
          </li>
        </ul>
      )}
    </figure>
  );
}

const formatTick = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3));
