// Placing sites on the fleet map: an equirectangular view fitted to the sites (drawn with no map
// service), or Web Mercator with the 256-pixel tiles of a configured tile server (MAP_TILE_URL).

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export interface MapFrame {
  width: number;
  height: number;
  /** Space kept clear around the sites, in pixels. */
  pad: number;
}

/** The smallest span shown, in degrees, so one site (or a cluster) is not blown up to a street. */
const MIN_SPAN_DEGREES = 2;

function span(values: number[], limit: number) {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < MIN_SPAN_DEGREES) {
    const middle = (lo + hi) / 2;
    lo = middle - MIN_SPAN_DEGREES / 2;
    hi = middle + MIN_SPAN_DEGREES / 2;
  }
  const margin = (hi - lo) * 0.1;
  return { lo: Math.max(-limit, lo - margin), hi: Math.min(limit, hi + margin) };
}

export interface EquirectangularView {
  lat: { lo: number; hi: number };
  lon: { lo: number; hi: number };
  x(longitude: number): number;
  y(latitude: number): number;
}

/**
 * Longitude scaled by the cosine of the middle latitude (so shapes look right away from the equator),
 * the shorter span widened to the frame's shape so the graticule fills it, north up.
 */
export function equirectangularView(points: readonly GeoPoint[], frame: MapFrame): EquirectangularView {
  const lat = span(
    points.map((p) => p.latitude),
    90,
  );
  const lon = span(
    points.map((p) => p.longitude),
    180,
  );
  const squash = Math.cos((((lat.lo + lat.hi) / 2) * Math.PI) / 180);
  const aspect = (frame.width - 2 * frame.pad) / (frame.height - 2 * frame.pad);
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
  const scale = Math.min((frame.width - 2 * frame.pad) / spanX, (frame.height - 2 * frame.pad) / spanY);
  const offsetX = (frame.width - spanX * scale) / 2;
  const offsetY = (frame.height - spanY * scale) / 2;
  return {
    lat,
    lon,
    x: (longitude) => offsetX + (longitude - lon.lo) * squash * scale,
    y: (latitude) => offsetY + (lat.hi - latitude) * scale,
  };
}

export const TILE_SIZE = 256;
/** Web Mercator stops short of the poles. */
const MAX_MERCATOR_LATITUDE = 85.0511;
/** How far in one site (or a tight cluster) is shown on tiles: a town, not a street. */
const MAX_TILE_ZOOM = 12;

/** Web Mercator, as a fraction of the world: x from the antimeridian eastwards, y from the north. */
export function mercator(point: GeoPoint): { x: number; y: number } {
  const latitude = Math.max(-MAX_MERCATOR_LATITUDE, Math.min(MAX_MERCATOR_LATITUDE, point.latitude));
  const phi = (latitude * Math.PI) / 180;
  return {
    x: (point.longitude + 180) / 360,
    y: (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2,
  };
}

export interface TileView {
  zoom: number;
  tiles: { z: number; x: number; y: number; left: number; top: number }[];
  project(point: GeoPoint): { x: number; y: number };
}

/** The deepest zoom at which every site fits the frame, and the tiles that cover it. */
export function tileView(points: readonly GeoPoint[], frame: MapFrame): TileView {
  const projected = points.map(mercator);
  const xs = projected.map((p) => p.x);
  const ys = projected.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let zoom = 0;
  while (
    zoom < MAX_TILE_ZOOM &&
    (maxX - minX) * TILE_SIZE * 2 ** (zoom + 1) <= frame.width - 2 * frame.pad &&
    (maxY - minY) * TILE_SIZE * 2 ** (zoom + 1) <= frame.height - 2 * frame.pad
  ) {
    zoom += 1;
  }
  const world = TILE_SIZE * 2 ** zoom;
  const left = ((minX + maxX) / 2) * world - frame.width / 2;
  const top = ((minY + maxY) / 2) * world - frame.height / 2;
  const count = 2 ** zoom;
  const tiles: TileView['tiles'] = [];
  for (let ty = Math.floor(top / TILE_SIZE); ty * TILE_SIZE < top + frame.height; ty++) {
    if (ty < 0 || ty >= count) continue;
    for (let tx = Math.floor(left / TILE_SIZE); tx * TILE_SIZE < left + frame.width; tx++) {
      // Across the antimeridian the world repeats.
      const wrapped = ((tx % count) + count) % count;
      tiles.push({ z: zoom, x: wrapped, y: ty, left: tx * TILE_SIZE - left, top: ty * TILE_SIZE - top });
    }
  }
  return {
    zoom,
    tiles,
    project: (point) => {
      const p = mercator(point);
      return { x: p.x * world - left, y: p.y * world - top };
    },
  };
}

/** A tile's address from a template such as https://tile.example.com/{z}/{x}/{y}.png. */
export const tileUrl = (template: string, tile: { z: number; x: number; y: number }) =>
  template
    .replaceAll('{z}', String(tile.z))
    .replaceAll('{x}', String(tile.x))
    .replaceAll('{y}', String(tile.y));
