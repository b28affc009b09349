// The fleet's sites on a map. By default it is drawn from their coordinates alone (an
// equirectangular view with a graticule), so no tile service is contacted and it works on a plant
// network without internet; with MAP_TILE_URL set, Web Mercator over that server's tiles.
import type { AlarmSeverity } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { equirectangularView, type MapFrame, TILE_SIZE, tileUrl, tileView } from '../map-projection.ts';

export interface MapSite {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  /** The most severe active alarm, or null when none. */
  worst: AlarmSeverity | null;
}

const FRAME: MapFrame = { width: 800, height: 400, pad: 40 };

const NICE_STEPS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 45, 90];
const niceStep = (degrees: number) => NICE_STEPS.find((step) => degrees / step <= 6) ?? 90;

function gridLines(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Number(v.toFixed(4)));
  return out;
}

function Graticule({ sites }: { sites: MapSite[] }) {
  const view = equirectangularView(sites, FRAME);
  const step = niceStep(Math.max(view.lat.hi - view.lat.lo, view.lon.hi - view.lon.lo));
  return (
    <>
      <rect x="0" y="0" width={FRAME.width} height={FRAME.height} className="map-sea" />
      {gridLines(view.lon.lo, view.lon.hi, step).map((v) => (
        <g key={`lon${v}`} className="map-grid">
          <line x1={view.x(v)} x2={view.x(v)} y1={view.y(view.lat.hi)} y2={view.y(view.lat.lo)} />
          <text x={view.x(v) + 3} y={FRAME.height - 6}>
            {`${Math.abs(v)}°${v < 0 ? 'W' : 'E'}`}
          </text>
        </g>
      ))}
      {gridLines(view.lat.lo, view.lat.hi, step).map((v) => (
        <g key={`lat${v}`} className="map-grid">
          <line x1={view.x(view.lon.lo)} x2={view.x(view.lon.hi)} y1={view.y(v)} y2={view.y(v)} />
          <text x={4} y={view.y(v) - 3}>
            {`${Math.abs(v)}°${v < 0 ? 'S' : 'N'}`}
          </text>
        </g>
      ))}
      <Markers sites={sites} at={(site) => ({ x: view.x(site.longitude), y: view.y(site.latitude) })} />
    </>
  );
}

function Tiles({ sites, template }: { sites: MapSite[]; template: string }) {
  const view = tileView(sites, FRAME);
  return (
    <>
      <rect x="0" y="0" width={FRAME.width} height={FRAME.height} className="map-sea" />
      {view.tiles.map((tile) => (
        <image
          key={`${tile.left},${tile.top}`}
          href={tileUrl(template, tile)}
          x={tile.left}
          y={tile.top}
          width={TILE_SIZE}
          height={TILE_SIZE}
        />
      ))}
      <Markers sites={sites} at={(site) => view.project(site)} />
    </>
  );
}

function Markers({ sites, at }: { sites: MapSite[]; at: (site: MapSite) => { x: number; y: number } }) {
  const t = useTranslations();
  return sites.map((site) => {
    const { x, y } = at(site);
    return (
      <a
        key={site.id}
        href={`/sites/${site.id}`}
        className={`map-site severity-${site.worst ?? 'none'}`}
        aria-label={t('fleet.onMap', {
          site: site.name,
          worst: site.worst ? t(`alarms.severities.${site.worst}`) : 'none',
        })}
      >
        <circle cx={x} cy={y} r={site.worst ? 10 : 7} />
        <text x={x + 13} y={y + 5}>
          {site.name}
        </text>
      </a>
    );
  });
}

export function SiteMap(props: {
  sites: MapSite[];
  tiles?: { url: string; attribution: string } | undefined;
}) {
  const t = useTranslations();
  return (
    <figure className="site-map">
      <svg viewBox={`0 0 ${FRAME.width} ${FRAME.height}`}>
        <title>{t('fleet.mapLabel', { n: props.sites.length })}</title>
        {props.tiles ? (
          <Tiles sites={props.sites} template={props.tiles.url} />
        ) : (
          <Graticule sites={props.sites} />
        )}
      </svg>
      <figcaption className="hint">
        {props.tiles ? t('fleet.mapTiles', { attribution: props.tiles.attribution }) : t('fleet.mapNote')}
      </figcaption>
    </figure>
  );
}
