// Every page of the web app photographed in the light theme, the dark theme and at a phone's width,
// into web/test-output/screens/ for a person to look over; each page is also checked for a title,
// labelled fields, no sideways scrolling on a phone, and no console errors.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  checkBasics,
  DEMO,
  DESKTOP,
  E2E_SETUP_MS,
  type E2e,
  logIn,
  PHONE,
  startE2e,
} from './harness.ts';

let e2e: E2e;
const paths: { name: string; path: string }[] = [];

beforeAll(async () => {
  e2e = await startE2e();
  const api = await apiSession(e2e.runtime.apiUrl);
  const first = async <T extends { id: string }>(path: string, key: string): Promise<T | undefined> =>
    ((await api.get<Record<string, T[]>>(path))[key] ?? [])[0];
  const [site, rule, contact, rotation, policy, report, user] = await Promise.all([
    first('/v1/sites', 'sites'),
    first('/v1/alarm-rules', 'alarmRules'),
    first('/v1/contacts', 'contacts'),
    first('/v1/on-call-rotations', 'onCallRotations'),
    first('/v1/escalation-policies', 'escalationPolicies'),
    first('/v1/reports', 'reports'),
    first('/v1/users', 'users'),
  ]);
  const asset = site
    ? (await api.get<{ assets: { id: string; name: string }[] }>(`/v1/sites/${site.id}/assets`)).assets.find(
        (candidate) => candidate.name === 'Pump 1',
      )
    : undefined;
  paths.push(
    { name: 'home', path: '/' },
    { name: 'fleet', path: '/fleet' },
    ...(site ? [{ name: 'site', path: `/sites/${site.id}` }] : []),
    ...(asset ? [{ name: 'asset', path: `/assets/${asset.id}` }] : []),
    { name: 'alarms', path: '/alarms' },
    ...(rule ? [{ name: 'alarm-history', path: `/alarms/${rule.id}` }] : []),
    { name: 'reports', path: '/reports' },
    ...(report ? [{ name: 'report-edit', path: `/reports/${report.id}` }] : []),
    { name: 'outbox', path: '/outbox' },
    { name: 'config-sites', path: '/config/sites' },
    ...(site ? [{ name: 'config-site-edit', path: `/config/sites/${site.id}` }] : []),
    { name: 'config-gateways', path: '/config/gateways' },
    { name: 'config-devices', path: '/config/devices' },
    { name: 'config-tags', path: '/config/tags' },
    { name: 'config-alarm-rules', path: '/config/alarm-rules' },
    ...(rule ? [{ name: 'config-alarm-rule-edit', path: `/config/alarm-rules/${rule.id}` }] : []),
    { name: 'config-contacts', path: '/config/contacts' },
    ...(contact ? [{ name: 'config-contact-edit', path: `/config/contacts/${contact.id}` }] : []),
    { name: 'config-rotations', path: '/config/rotations' },
    ...(rotation ? [{ name: 'config-rotation-edit', path: `/config/rotations/${rotation.id}` }] : []),
    { name: 'config-policies', path: '/config/policies' },
    ...(policy ? [{ name: 'config-policy-edit', path: `/config/policies/${policy.id}` }] : []),
    { name: 'users', path: '/users' },
    ...(user ? [{ name: 'user-login', path: `/users/${user.id}` }] : []),
    { name: 'api-keys', path: '/api-keys' },
    { name: 'settings-notifications', path: '/settings/notifications' },
    { name: 'settings-organisation', path: '/settings/organisation' },
    { name: 'settings-units', path: '/settings/units' },
    { name: 'settings-canary', path: '/settings/canary' },
    { name: 'settings-account', path: '/settings/account' },
    { name: 'settings-security', path: '/settings/security' },
    { name: 'settings-plan', path: '/settings/plan' },
    { name: 'not-found', path: '/no-such-page' },
  );
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

/** Waits for what loads after the page (live values, the trend) so the picture shows the page in use. */
async function settle(page: Page) {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await page
    .locator('.alarm-bar[data-feed="live"]')
    .waitFor({ timeout: 15_000 })
    .catch(() => {});
  if (await page.locator('.chart').count()) {
    await page
      .getByText(/samples|intervals|No data in this range/)
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(() => {});
  }
}

const variants = [
  { name: 'light', viewport: DESKTOP, colorScheme: 'light' as const },
  { name: 'dark', viewport: DESKTOP, colorScheme: 'dark' as const },
  { name: 'phone', viewport: PHONE, colorScheme: 'light' as const },
];

describe.each(variants)('every page, $name', (variant) => {
  it('photographs each page signed in as the demo owner, and the pages before signing in', async () => {
    // The dark pictures follow the system setting (the theme's default), as a control room's screens would.
    const { context, page } = await e2e.newPage({
      viewport: variant.viewport,
      colorScheme: variant.colorScheme,
    });
    for (const path of ['/login', '/signup', '/accept-invite']) {
      await page.goto(`${e2e.web.url}${path}`);
      await checkBasics(page, join('screens', `${variant.name}-${path.slice(1)}`));
    }
    await logIn(page, e2e.web, DEMO.email, DEMO.password);
    for (const { name, path } of paths) {
      await page.goto(`${e2e.web.url}${path}`);
      await settle(page);
      await checkBasics(page, join('screens', `${variant.name}-${name}`));
      if (variant.viewport === PHONE) {
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(sideways, `${path} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
      }
    }
    await context.close();
  }, 600_000);
});

describe('the pages', () => {
  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
