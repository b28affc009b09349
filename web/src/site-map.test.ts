import { NextIntlClientProvider } from 'next-intl';
import { type ComponentProps, createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type MapSite, SiteMap } from './components/site-map.tsx';
import { en } from './messages/en/index.ts';

// The provider's props without children (they come as createElement's third argument).
const english = { locale: 'en-GB', messages: en, timeZone: 'UTC' } as ComponentProps<
  typeof NextIntlClientProvider
>;
const inEnglish = (element: ReactNode) =>
  renderToStaticMarkup(createElement(NextIntlClientProvider, english, element));

const sites: MapSite[] = [
  { id: 'a', name: 'North Pumping Station', latitude: 53.4808, longitude: -2.2426, worst: 'high' },
  { id: 'b', name: 'Leeds Reservoir', latitude: 53.8008, longitude: -1.5491, worst: null },
];

describe('SiteMap', () => {
  it('draws the sites from their coordinates alone, contacting no tile service, by default', () => {
    const svg = inEnglish(createElement(SiteMap, { sites }));
    expect(svg).not.toContain('<image');
    expect(svg).toContain('href="/sites/a"');
    expect(svg).toContain('aria-label="North Pumping Station on the map, worst active alarm High"');
    expect(svg).toContain('aria-label="Leeds Reservoir on the map"');
    expect(svg).toMatch(/°N</);
  });

  it('lays the configured tiles under the sites and credits them', () => {
    const svg = inEnglish(
      createElement(SiteMap, {
        sites,
        tiles: { url: 'https://tiles.example.com/{z}/{x}/{y}.png', attribution: '© Example Maps' },
      }),
    );
    expect(svg).toMatch(/<image href="https:\/\/tiles\.example\.com\/\d+\/\d+\/\d+\.png"/);
    expect(svg.indexOf('<image')).toBeLessThan(svg.indexOf('href="/sites/a"'));
    expect(svg).toContain('Map tiles: © Example Maps');
  });
});
