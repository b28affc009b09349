import { describe, expect, it } from 'vitest';
import { contrastRatio, type ThemeName, TOKEN_NAMES, type TokenName, themeCss, themes } from './tokens.ts';

// WCAG 2.2: 4.5:1 for text (1.4.3), 3:1 for the parts of controls and graphics that carry meaning (1.4.11).
const TEXT = 4.5;
const GRAPHIC = 3;

/** [foreground, background, minimum ratio, what the pair is] */
const pairs: [TokenName, TokenName, number, string][] = [
  ['fg', 'bg', 7, 'body text on the page (AAA: read for a whole shift)'],
  ['fg', 'panel', 7, 'body text on panels'],
  ['fg', 'raised', 7, 'body text on cards and menus'],
  ['muted', 'bg', TEXT, 'hints and secondary text'],
  ['muted', 'panel', TEXT, 'hints on panels'],
  ['accent', 'bg', TEXT, 'links'],
  ['accent', 'panel', TEXT, 'links in the top bar'],
  ['accent', 'raised', TEXT, 'links on cards'],
  ['accent-fg', 'accent', TEXT, 'text on primary buttons'],
  ['danger', 'bg', TEXT, 'error messages'],
  ['danger', 'raised', TEXT, 'error messages on cards'],
  ['ok', 'bg', TEXT, 'confirmations'],
  ['warn', 'bg', TEXT, 'stale values'],
  ['fg', 'code-bg', TEXT, 'commands'],
  ['fg', 'secret-bg', TEXT, 'secrets shown once'],
  ['focus', 'bg', GRAPHIC, 'the focus ring'],
  ['focus', 'panel', GRAPHIC, 'the focus ring on panels'],
  ['field-border', 'raised', GRAPHIC, 'form field borders'],
  ['sev-critical-fg', 'sev-critical', TEXT, 'critical badge text'],
  ['sev-high-fg', 'sev-high', TEXT, 'high badge text'],
  ['sev-medium-fg', 'sev-medium', TEXT, 'medium badge text'],
  ['sev-low-fg', 'sev-low', TEXT, 'low badge text'],
  ['suppressed-fg', 'suppressed', TEXT, 'shelved and out-of-service badge text'],
  ['sev-critical', 'bg', GRAPHIC, 'critical row edge and map marker'],
  ['sev-high', 'bg', GRAPHIC, 'high row edge'],
  ['sev-low', 'bg', GRAPHIC, 'low row edge'],
  ['sev-critical', 'panel', GRAPHIC, 'the alarm bar'],
  ['map-site', 'map-sea', GRAPHIC, 'a site without alarms on the map'],
];

describe.each(Object.keys(themes) as ThemeName[])('the %s theme', (name) => {
  const tokens = themes[name];

  it.each(pairs)('%s on %s reaches %f:1 (%s)', (fg, bg, minimum) => {
    expect(contrastRatio(tokens[fg], tokens[bg])).toBeGreaterThanOrEqual(minimum);
  });

  it('tells the four severities apart from one another, not only from the page', () => {
    const severities = ['sev-critical', 'sev-high', 'sev-medium', 'sev-low'] as const;
    const distinct = new Set(severities.map((s) => tokens[s]));
    expect(distinct.size).toBe(4);
  });
});

describe('contrastRatio', () => {
  it('matches the WCAG reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // WebAIM's checker: #767676 on white is the lightest grey that passes AA, 4.54:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});

describe('themeCss', () => {
  it('declares every token for light, dark, and the system choice in both schemes', () => {
    const css = themeCss();
    for (const token of TOKEN_NAMES) {
      expect(css.match(new RegExp(`--${token}:`, 'g'))).toHaveLength(3);
    }
    expect(css).toContain('@media (prefers-color-scheme: dark){[data-theme=system]');
  });
});
