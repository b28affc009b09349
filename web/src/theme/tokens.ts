// The design tokens: one set of names, a value per theme. The root layout writes them as CSS custom
// properties (light, dark, and "system" following prefers-color-scheme); globals.css uses only the
// names. ISA-101 style: the process is drawn in greys, colour means something is abnormal.

export const TOKEN_NAMES = [
  'bg',
  'panel',
  'raised',
  'fg',
  'muted',
  'line',
  'field-border',
  'accent',
  'accent-fg',
  'focus',
  'danger',
  'ok',
  'warn',
  'code-bg',
  'secret-bg',
  'map-sea',
  'map-grid',
  'map-site',
  'sev-critical',
  'sev-critical-fg',
  'sev-high',
  'sev-high-fg',
  'sev-medium',
  'sev-medium-fg',
  'sev-low',
  'sev-low-fg',
  'suppressed',
  'suppressed-fg',
] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];
export type ThemeTokens = Record<TokenName, string>;

/** Day shift: light grey, not white (less glare on a wall screen), dark text. */
const light: ThemeTokens = {
  bg: '#eceef0',
  panel: '#f8f9fa',
  raised: '#ffffff',
  fg: '#16191d',
  muted: '#4b545d',
  line: '#c4cad0',
  'field-border': '#7a848e',
  accent: '#1d4f86',
  'accent-fg': '#ffffff',
  focus: '#0b63ce',
  danger: '#a50e1e',
  ok: '#1c5e30',
  warn: '#8a4b00',
  'code-bg': '#e2e5e9',
  'secret-bg': '#fff6da',
  'map-sea': '#dde3e8',
  'map-grid': '#b9c2ca',
  'map-site': '#5d6770',
  'sev-critical': '#b00020',
  'sev-critical-fg': '#ffffff',
  'sev-high': '#c2410c',
  'sev-high-fg': '#ffffff',
  'sev-medium': '#f2c200',
  'sev-medium-fg': '#16191d',
  'sev-low': '#6b2fa3',
  'sev-low-fg': '#ffffff',
  suppressed: '#5b6670',
  'suppressed-fg': '#ffffff',
};

/** Night shift in a dark control room: dark grey, soft light text, alarm colours that still stand out. */
const dark: ThemeTokens = {
  bg: '#121518',
  panel: '#1b1f24',
  raised: '#22272d',
  fg: '#e4e8ec',
  muted: '#a7b0b9',
  line: '#39424b',
  'field-border': '#76818c',
  accent: '#8fbdf0',
  'accent-fg': '#0d1a29',
  focus: '#ffb547',
  danger: '#ff8a8a',
  ok: '#7fd19a',
  warn: '#ffb35c',
  'code-bg': '#262c33',
  'secret-bg': '#3a3217',
  'map-sea': '#1d2329',
  'map-grid': '#3b444d',
  'map-site': '#9aa4ae',
  'sev-critical': '#ff5c5c',
  'sev-critical-fg': '#1a0000',
  'sev-high': '#ff9a3c',
  'sev-high-fg': '#1f0d00',
  'sev-medium': '#f5d547',
  'sev-medium-fg': '#1a1600',
  'sev-low': '#c9a0ff',
  'sev-low-fg': '#1a0833',
  suppressed: '#9aa6b2',
  'suppressed-fg': '#121518',
};

export const themes = { light, dark } as const;
export type ThemeName = keyof typeof themes;

const block = (tokens: ThemeTokens) => TOKEN_NAMES.map((name) => `--${name}:${tokens[name]};`).join('');

/**
 * The tokens as CSS: the chosen theme on html[data-theme], and "system" following the browser's
 * prefers-color-scheme (light unless it asks for dark).
 */
export function themeCss(): string {
  return [
    `:root,[data-theme=light],[data-theme=system]{color-scheme:light;${block(light)}}`,
    `[data-theme=dark]{color-scheme:dark;${block(dark)}}`,
    `@media (prefers-color-scheme: dark){[data-theme=system]{color-scheme:dark;${block(dark)}}}`,
  ].join('\n');
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = match.slice(1).map((part) => {
    const c = Number.parseInt(part, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio between two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}
