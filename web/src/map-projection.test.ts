import { describe, expect, it } from 'vitest';
import { equirectangularView, mercator, TILE_SIZE, tileUrl, tileView } from './map-projection.ts';

const frame = { width: 800, height: 400, pad: 40 };
const manchester = { latitude: 53.4808, longitude: -2.2426 };
const leeds = { latitude: 53.8008, longitude: -1.5491 };
const lisbon = { latitude: 38.7223, longitude: -9.1393 };

const inside = (p: { x: number; y: number }) =>
  p.x >= frame.pad - 1e-6 && p.x <= frame.width - frame.pad + 1e-6 && p.y >= 0 && p.y <= frame.height;

describe('equirectangularView', () => {
  it('keeps every site inside the frame with north up and east to the right', () => {
    const view = equirectangularView([manchester, leeds, lisbon], frame);
    const points = [manchester, leeds, lisbon].map((p) => ({
      x: view.x(p.longitude),
      y: view.y(p.latitude),
    }));
    for (const point of points) expect(inside(point)).toBe(true);
    const [m, l, s] = points as [(typeof points)[0], (typeof points)[0], (typeof points)[0]];
    expect(l.x).toBeGreaterThan(m.x); // Leeds is east of Manchester
    expect(s.y).toBeGreaterThan(m.y); // Lisbon is south
  });

  it('shows a single site at the centre of a span of at least two degrees', () => {
    const view = equirectangularView([manchester], frame);
    expect(view.x(manchester.longitude)).toBeCloseTo(frame.width / 2);
    expect(view.y(manchester.latitude)).toBeCloseTo(frame.height / 2);
    expect(view.lat.hi - view.lat.lo).toBeGreaterThanOrEqual(2);
  });
});

describe('mercator', () => {
  it.each([
    [
      { latitude: 0, longitude: -180 },
      { x: 0, y: 0.5 },
    ],
    [
      { latitude: 0, longitude: 0 },
      { x: 0.5, y: 0.5 },
    ],
    [
      { latitude: 85.0511, longitude: 180 },
      { x: 1, y: 0 },
    ],
  ])('puts %o at %o of the world', (point, expected) => {
    const projected = mercator(point);
    expect(projected.x).toBeCloseTo(expected.x, 4);
    expect(projected.y).toBeCloseTo(expected.y, 4);
  });
});

describe('tileView', () => {
  it('zooms as far as the sites allow and covers the frame with tiles', () => {
    const view = tileView([manchester, leeds], frame);
    expect(view.zoom).toBeGreaterThanOrEqual(7);
    for (const site of [manchester, leeds]) expect(inside(view.project(site))).toBe(true);
    const covered = (x: number, y: number) =>
      view.tiles.some((t) => t.left <= x && x < t.left + TILE_SIZE && t.top <= y && y < t.top + TILE_SIZE);
    for (const [x, y] of [
      [0, 0],
      [frame.width - 1, 0],
      [0, frame.height - 1],
      [frame.width - 1, frame.height - 1],
    ] as const) {
      expect(covered(x, y)).toBe(true);
    }
  });

  it('stops at town level for a single site, with tile numbers inside the world', () => {
    const view = tileView([manchester], frame);
    expect(view.zoom).toBe(12);
    for (const tile of view.tiles) {
      expect(tile.x).toBeGreaterThanOrEqual(0);
      expect(tile.x).toBeLessThan(2 ** 12);
    }
  });
});

describe('tileUrl', () => {
  it('fills in zoom, column and row', () => {
    expect(tileUrl('https://tiles.example.com/{z}/{x}/{y}.png', { z: 7, x: 63, y: 41 })).toBe(
      'https://tiles.example.com/7/63/41.png',
    );
  });
});
