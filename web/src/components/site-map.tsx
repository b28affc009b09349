// The fleet's sites on a map drawn from their coordinates alone: an equirectangular projection
// (longitude scaled by the cosine of the middle latitude) fitted to the sites, with a graticule for
// orientation. No tile service is contacted, so it works on a plant network without internet.
import type { AlarmSeverity } from '@plantwatch/shared';
import { strings } from '../strings.ts';

export interface MapSite {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  /** The most severe active alarm, or null when none. */
  worst: AlarmSeverity | null;
}

const WIDTH = 800;
const HEIGHT = 400;
const PAD = 40;
/** The smallest span shown, in degrees, so one site (or a cluster) is not blown up to a street. */
const MIN_SPAN = 2;

const NICE_STEPS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 45, 90];

function niceStep(span: number): number {
  return NICE_STEPS.find((step) => span / step <= 6) ?? 90;
}

function bounds(values: number[], limit: number) {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < MIN_SPAN) {
    const middle = (lo + hi) / 2;
    lo = middle - MIN_SPAN / 2;
    hi = middle + MIN_SPAN / 2;
  }
  const margin = (hi - lo) * 0.1;
  return { lo: Math.max(-limit, lo - margin), hi: Math.min(limit, hi + margin) };
}

export function SiteMap({ sites }: { sites: MapSite[] }) {
  const lat = bounds(
    sites.map((s) => s.latitude),
    90,
  );
  const lon = bounds(
    sites.map((s) => s.longitude),
    180,
  );
  const squash = Math.cos((((lat.lo + lat.hi) / 2) * Math.PI) / 180);
  // Widen whichever span is short of the picture's shape, so the graticule fills the frame.
  const aspect = (WIDTH - 2 * PAD) / (HEIGHT - 2 * PAD);
  if ((lon.hi - lon.lo) * squash < (lat.hi - lat.lo) * aspect) {
    const half = ((lat.hi - lat.lo) * aspect) / squash / 2;
    const middle = (lon.lo + lon.hi) / 2;
    lon.lo = Math.max(-180, middle - half);
    lon.hi = Math.min(180, middle + half);
  } else {
    const half = ((lon.hi - lon.lo) * squash) / aspect / 2;
    const middle = (lat.lo + lat.hi) / 2;
    lat.lo = Math.max(-90, middle - half);
    lat.hi = Math.min(90, middle + half);
  }
  const spanX = (lon.hi - lon.lo) * squash;
  const spanY = lat.hi - lat.lo;
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
  const offsetX = (WIDTH - spanX * scale) / 2;
  const offsetY = (HEIGHT - spanY * scale) / 2;
  const x = (longitude: number) => offsetX + (longitude - lon.lo) * squash * scale;
  const y = (latitude: number) => offsetY + (lat.hi - latitude) * scale;
  const step = niceStep(Math.max(lat.hi - lat.lo, lon.hi - lon.lo));
  const lines = (lo: number, hi: number) => {
    const out: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Number(v.toFixed(4)));
    return out;
  };
  return (
    <figure className="site-map">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`}>
        <title>{strings.fleet.mapLabel(sites.length)}</title>
        <rect x="0" y="0" width={WIDTH} height={HEIGHT} className="map-sea" />
        {lines(lon.lo, lon.hi).map((v) => (
          <g key={`lon${v}`} className="map-grid">
            <line x1={x(v)} x2={x(v)} y1={y(lat.hi)} y2={y(lat.lo)} />
            <text x={x(v) + 3} y={HEIGHT - 6}>
              {`${Math.abs(v)}°${v < 0 ? 'W' : 'E'}`}
            </text>
          </g>
        ))}
        {lines(lat.lo, lat.hi).map((v) => (
          <g key={`lat${v}`} className="map-grid">
            <line x1={x(lon.lo)} x2={x(lon.hi)} y1={y(v)} y2={y(v)} />
            <text x={4} y={y(v) - 3}>
              {`${Math.abs(v)}°${v < 0 ? 'S' : 'N'}`}
            </text>
          </g>
        ))}
        {sites.map((site) => (
          <a
            key={site.id}
            href={`/sites/${site.id}`}
            className={`map-site severity-${site.worst ?? 'none'}`}
            aria-label={strings.fleet.onMap(
              site.name,
              site.worst ? strings.alarms.severities[site.worst] : null,
            )}
          >
            <circle cx={x(site.longitude)} cy={y(site.latitude)} r={site.worst ? 10 : 7} />
            <text x={x(site.longitude) + 13} y={y(site.latitude) + 5}>
              {site.name}
            </text>
          </a>
        ))}
      </svg>
      <figcaption className="hint">{strings.fleet.mapNote}</figcaption>
    </figure>
  );
}
