// End-to-end in headless Chromium: what a control-room operator relies on — alarms annunciated on
// every page (pushed, not polled: the polling fallback is set to ten minutes here), shelved alarms leaving the active list, values with units, the dark theme
// and language following the user, the four languages, the phone menu, and the security headers and
// status codes of every page.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  checkBasics,
  DEMO,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  logIn,
  navigateOnPhone,
  PHONE,
  startE2e,
} from './harness.ts';

let e2e: E2e;
let api: Awaited<ReturnType<typeof apiSession>>;
let inflowTagId = '';
let levelTagId = '';
let siteId = '';

/** The polling fallback's pace in this suite: far longer than any wait below, so what arrives was pushed. */
const FALLBACK_POLL_MS = 600_000;

beforeAll(async () => {
  e2e = await startE2e({ webEnv: { LIVE_FALLBACK_POLL_MS: String(FALLBACK_POLL_MS) } });
  api = await apiSession(e2e.runtime.apiUrl);
  const { tags } = await api.get<{ tags: { id: string; key: string }[] }>('/v1/tags');
  inflowTagId = tags.find((tag) => tag.key === 'inflow')?.id ?? '';
  levelTagId = tags.find((tag) => tag.key === 'level')?.id ?? '';
  siteId = (await api.get<{ sites: { id: string }[] }>('/v1/sites')).sites[0]?.id ?? '';
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

/** An alarm rule the demo plant trips on its next sample (the inflow is always above 1 L/s). */
async function tripAlarm(
  name: string,
  severity: 'critical' | 'high' | 'medium' | 'low',
  tagId = inflowTagId,
) {
  const created = await api.post('/v1/alarm-rules', {
    kind: 'comparison',
    tagId,
    name,
    severity,
    op: '>',
    value: -1000,
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

/** When the API first lists the alarm as active and unacknowledged (probing every 50 ms). */
async function raisedAt(ruleId: string): Promise<number> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const { alarms } = await api.get<{ alarms: { ruleId: string; state: string }[] }>(
      `/v1/alarms?status=active&ruleId=${ruleId}`,
    );
    if (alarms.some((alarm) => alarm.state === 'active-unacked')) return Date.now();
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`rule ${ruleId} raised no alarm within a minute`);
}

const count = (page: Page, severity: string) =>
  page.locator(`.alarm-bar [data-severity="${severity}"]`).getAttribute('data-count').then(Number);

/** How many stream listeners the API holds (the runtime's in-process change feed). */
const streamListeners = () =>
  (e2e.runtime.deps.changes as { listenerCount?: () => number } | undefined)?.listenerCount?.() ?? -1;

describe('a control-room operator', () => {
  it(
    'sees an alarm raised while on a page without alarms, pushed within 2 s: the bar, its flash, the title, and N to open it',
    async () => {
      const { context, page } = await e2e.newPage();
      // Every ask of the polling fallback is counted: there must be none.
      const polls: string[] = [];
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/alarms/summary') polls.push(request.url());
      });
      await logIn(page, e2e.web, DEMO.email, DEMO.password);
      await page.goto(`${e2e.web.url}/config/sites`);
      await page.locator('.alarm-bar[data-feed="live"][data-transport="push"]').waitFor();
      const before = await count(page, 'critical');
      // The fleet page, open in another tab, renders itself again when the pushed summary changes.
      const fleet = await context.newPage();
      await fleet.goto(`${e2e.web.url}/fleet`);
      await fleet.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      const fleetCritical = () =>
        fleet.evaluate(() =>
          [...document.querySelectorAll('.alarm-counts > span')]
            .filter((span) => span.querySelector('.severity-critical'))
            .reduce((sum, span) => sum + Number(/(\d+)\s*$/.exec(span.textContent ?? '')?.[1] ?? 0), 0),
        );
      const fleetBefore = await fleetCritical();

      const ruleId = await tripAlarm('Inflow above test limit', 'critical');
      const raised = await raisedAt(ruleId);
      // (The demo plant may raise alarms of its own meanwhile: at least ours is counted.)
      await expect
        .poll(() => count(page, 'critical'), { timeout: 10_000, interval: 50 })
        .toBeGreaterThanOrEqual(before + 1);
      const shownAfterMs = Date.now() - raised;
      process.stderr.write(`e2e: annunciated ${shownAfterMs} ms after the API listed the alarm\n`);
      // Pushed (server-sent events through the web server's relay): within the 2 s, and no poll
      // could have brought it (the fallback would ask once in ten minutes, and asked not at all).
      expect(shownAfterMs).toBeLessThan(2_000);
      expect(polls).toEqual([]);
      expect(await page.locator('.alarm-bar').getAttribute('data-transport')).toBe('push');
      // The fleet tab as well, rendered again on the pushed change (a server render: seconds on a loaded
      // machine; its timed refresh comes 10 s after it opened at the earliest).
      await expect
        .poll(fleetCritical, { timeout: 8_000, interval: 100 })
        .toBeGreaterThanOrEqual(fleetBefore + 1);
      process.stderr.write(
        `e2e: the fleet tab showed it ${Date.now() - raised} ms after the API listed it\n`,
      );
      await fleet.close();
      await expect.poll(() => page.title()).toMatch(/^\(\d+\) Sites · Plantwatch$/);
      expect(await page.locator('.alarm-bar .severity.flash').count()).toBe(1);
      await checkBasics(page, 'annunciation');

      // Muting is remembered for this user (a preference the API keeps).
      const muted = page.waitForResponse((response) => response.request().method() === 'POST');
      await page.getByRole('button', { name: 'Sound on' }).click();
      await muted;
      await page.reload();
      await page.getByRole('button', { name: 'Sound off' }).waitFor();
      expect(await page.getByRole('button', { name: 'Sound off' }).getAttribute('aria-pressed')).toBe(
        'false',
      );

      // One key opens the newest alarm (ours, unless the demo plant raised one since), where Enter acknowledges it.
      await page.locator('main h1').click();
      const newest = (await page.locator('.alarm-bar .newest-link').textContent()) ?? '';
      await page.keyboard.press('n');
      await page.waitForURL(/\/alarms\/[0-9a-f-]{36}\?focus=acknowledge$/);
      await page.locator('.alarm-item').filter({ hasText: newest }).first().waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Acknowledge');
      await page.keyboard.press('Enter');
      await expect
        .poll(() =>
          page
            .locator('.alarm-item')
            .filter({ hasText: newest })
            .first()
            .getByRole('button', { name: 'Acknowledge' })
            .count(),
        )
        .toBe(0);
      expect(polls).toEqual([]);
      await context.close();
      // The browser gone, the web server's relay lets go of the API's stream, and the API of its listener.
      await expect.poll(streamListeners, { timeout: 10_000 }).toBe(0);
      await api.put('/v1/me/preferences', {});
    },
    E2E_TEST_MS,
  );

  it(
    'shelves an alarm, which stays in place until the list is refreshed, then is listed as shelved only',
    async () => {
      await tripAlarm('Wet well level shelving test', 'medium', levelTagId);
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/alarms`);
      const row = page.getByRole('row', { name: /Wet well level shelving test/ });
      await row.waitFor({ timeout: 60_000 });
      // Its value with the tag's unit (the wet well level is in metres).
      expect(await row.locator('.console-value').textContent()).toMatch(/^\d+(\.\d+)? m$/);
      await row
        .locator('summary')
        .filter({ hasText: /^Shelve$/ })
        .click();
      const form = row.getByRole('form', { name: 'Shelve Wet well level shelving test' });
      await form.getByLabel('Reason').fill('Sensor being cleaned');
      await form.getByRole('button', { name: 'Shelve', exact: true }).click();
      await row.getByText('Left this list').waitFor();
      await checkBasics(page, 'alarms-shelved-in-place');

      await page.getByRole('button', { name: 'Refresh the list' }).click();
      await expect.poll(() => row.count()).toBe(0);
      await page.getByLabel('Show').selectOption('shelved');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      const shelved = page.getByRole('row', { name: /Wet well level shelving test/ });
      await shelved.getByText('Shelved', { exact: true }).waitFor();
      await shelved.getByText(/Process:/).waitFor();
      await checkBasics(page, 'alarms-shelved-list');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'reads values in the units people write, converted to the units they choose',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/sites/${siteId}`);
      const motor = page.locator('tr[data-tag="motor_temp"] .unit');
      await expect.poll(() => motor.textContent(), { timeout: 60_000 }).toBe(' °C');
      const celsius = Number(
        (await page.locator('tr[data-tag="motor_temp"] .live-value').textContent())?.replace(/,/g, ''),
      );

      await page.goto(`${e2e.web.url}/settings/units`);
      await page.getByLabel('Temperature').selectOption('°F');
      await page.getByRole('button', { name: 'Save units' }).click();
      await page.getByText('Saved. Values are shown in these units from now on.').waitFor();
      await checkBasics(page, 'settings-units');
      await page.goto(`${e2e.web.url}/sites/${siteId}`);
      await expect.poll(() => motor.textContent(), { timeout: 30_000 }).toBe(' °F');
      const fahrenheit = Number(
        (await page.locator('tr[data-tag="motor_temp"] .live-value').textContent())?.replace(/,/g, ''),
      );
      // The motor warms and cools slowly: the same reading, give or take a few degrees between the two looks.
      expect(Math.abs(fahrenheit - (celsius * 9) / 5 - 32)).toBeLessThan(10);
      await context.close();
      // The choice is the user's: another browser shows °F too.
      const other = await e2e.signedIn();
      await other.page.goto(`${e2e.web.url}/sites/${siteId}`);
      await expect
        .poll(() => other.page.locator('tr[data-tag="motor_temp"] .unit').textContent(), { timeout: 30_000 })
        .toBe(' °F');
      await other.context.close();
      await api.put('/v1/me/preferences', {});
    },
    E2E_TEST_MS,
  );

  it(
    'switches to the dark theme, which stays across pages, and follows a dark system by default',
    async () => {
      const { context, page } = await e2e.signedIn();
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(await background()).toBe('rgb(236, 238, 240)');
      await page.getByRole('button', { name: /^Account of / }).click();
      // The choice is saved by a server action (for the user in the API, and a cookie); the page turns dark at once.
      const saved = page.waitForResponse((response) => response.request().method() === 'POST');
      await page.getByRole('menuitemradio', { name: 'Dark (night)' }).click();
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
      await saved;
      expect(await background()).toBe('rgb(18, 21, 24)');
      await page.goto(`${e2e.web.url}/alarms`);
      expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
      expect(await background()).toBe('rgb(18, 21, 24)');
      await checkBasics(page, 'alarms-dark');
      await context.close();

      // The choice follows the user to another browser (a light one): dark there too.
      const elsewhere = await e2e.signedIn();
      expect(await elsewhere.page.locator('html').getAttribute('data-theme')).toBe('dark');
      await elsewhere.context.close();

      // Back to following the system: a dark system's browser is dark.
      await api.put('/v1/me/preferences', {});
      const night = await e2e.signedIn({ colorScheme: 'dark' });
      expect(await night.page.locator('html').getAttribute('data-theme')).toBe('system');
      expect(await night.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
        'rgb(18, 21, 24)',
      );
      await night.context.close();
    },
    E2E_TEST_MS,
  );

  it.each([
    { locale: 'en-GB', heading: 'Alarm console', show: 'Show', critical: 'Critical', menu: 'English' },
    {
      locale: 'pt-BR',
      heading: 'Console de alarmes',
      show: 'Mostrar',
      critical: 'Crítico',
      menu: 'Português',
    },
    { locale: 'es', heading: 'Consola de alarmas', show: 'Mostrar', critical: 'Crítica', menu: 'Español' },
    { locale: 'zh-CN', heading: '报警控制台', show: '显示', critical: '紧急', menu: '简体中文' },
  ])(
    'shows the alarm console in $menu, chosen from the menu and from the browser',
    async ({ locale, heading, show, critical, menu }) => {
      // From the browser's language on the first visit ...
      const { context, page } = await e2e.newPage({ locale });
      await page.goto(`${e2e.web.url}/login`);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      await context.close();
      // ... and chosen in the user menu by an English speaker.
      const english = await e2e.signedIn();
      await english.page.getByRole('button', { name: /^Account of / }).click();
      await english.page.getByRole('menuitemradio', { name: menu }).click();
      await expect.poll(() => english.page.locator('html').getAttribute('lang')).toBe(locale);
      await english.page.goto(`${e2e.web.url}/alarms`);
      await english.page.getByRole('heading', { name: heading }).waitFor();
      await english.page.getByLabel(show, { exact: true }).waitFor();
      await english.page
        .locator('.alarm-bar [data-severity="critical"]')
        .filter({ hasText: critical })
        .waitFor();
      await checkBasics(english.page, `alarms-${locale}`);
      await english.context.close();
      // The language is the user's now; the next case starts from the browser's again.
      await api.put('/v1/me/preferences', {});
    },
    E2E_TEST_MS,
  );

  it(
    'opens every group of pages from the phone menu',
    async () => {
      const { context, page } = await e2e.signedIn({ viewport: PHONE });
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Menu' }).click();
      const sheet = page.getByRole('dialog', { name: 'Menu' });
      for (const group of ['Monitor', 'Configure', 'People', 'Settings']) {
        await sheet.getByRole('heading', { name: group }).waitFor();
      }
      await checkBasics(page, 'phone-menu');
      await sheet.getByRole('link', { name: 'Alarm rules' }).click();
      await page.getByRole('heading', { name: 'Alarm rules' }).waitFor();
      expect(await sheet.count()).toBe(0);
      await navigateOnPhone(page, 'Tags');
      await page.getByRole('heading', { name: 'Tags' }).first().waitFor();
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'serves every page with security headers and the tab icon, and unknown pages with 404',
    async () => {
      const login = await fetch(`${e2e.web.url}/login`);
      expect(login.status).toBe(200);
      const csp = login.headers.get('content-security-policy') ?? '';
      const scripts = csp.split(';').find((directive) => directive.trim().startsWith('script-src')) ?? '';
      expect(scripts).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(login.headers.get('x-content-type-options')).toBe('nosniff');
      expect(login.headers.get('referrer-policy')).toBe('same-origin');
      expect(login.headers.get('x-frame-options')).toBe('DENY');
      expect(login.headers.get('strict-transport-security')).toBeNull();
      // The nonce is fresh for every response, and the page's scripts carry it.
      const html = await login.text();
      const nonce = /'nonce-([^']+)'/.exec(scripts)?.[1] ?? '';
      expect(html).toContain(`nonce="${nonce}"`);
      const again = await fetch(`${e2e.web.url}/login`);
      expect(again.headers.get('content-security-policy')).not.toBe(csp);
      // Behind a proxy that terminates HTTPS, browsers are told to stay on HTTPS.
      const https = await fetch(`${e2e.web.url}/login`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(https.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
      // Static files and JSON routes get the fixed headers too.
      const summary = await fetch(`${e2e.web.url}/api/alarms/summary`);
      expect(summary.status).toBe(401);
      expect(summary.headers.get('x-content-type-options')).toBe('nosniff');
      // The tab's icon: the one the page names, and /favicon.ico, which a browser asks for by itself
      // where a page names none (a 404 there would be a console error on that page).
      const linked = /<link rel="icon" href="([^"]+)"[^>]*type="image\/svg\+xml"/.exec(html)?.[1];
      expect(linked).toMatch(/^\/icon\.svg\b/);
      for (const path of ['/favicon.ico', linked]) {
        const icon = await fetch(`${e2e.web.url}${path}`);
        expect(icon.status, path).toBe(200);
        expect(icon.headers.get('content-type'), path).toMatch(
          /^image\/(x-icon|vnd\.microsoft\.icon|svg\+xml)$/,
        );
        expect((await icon.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
        expect(icon.headers.get('x-content-type-options'), path).toBe('nosniff');
      }

      const missing = await fetch(`${e2e.web.url}/no-such-page`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

      // A signed-in page for something that is not there (or another tenant's) answers 404 as well.
      const { context, page } = await e2e.signedIn();
      const response = await page.goto(`${e2e.web.url}/sites/01960000-0000-7000-8000-00000000dead`);
      expect(response?.status()).toBe(404);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'shows the asset tree beside the site with rolled-up alarm counts, and an asset page with its measurements live, in four languages',
    async () => {
      const { assets } = await api.get<{
        assets: { id: string; name: string; measurements: { name: string; tagId: string | null }[] }[];
      }>(`/v1/sites/${siteId}/assets`);
      const pump = assets.find((asset) => asset.name === 'Pump 1');
      const motorCurrent = pump?.measurements.find((m) => m.name === 'Motor current')?.tagId;
      if (!pump || !motorCurrent) throw new Error('the demo has no Pump 1 with a motor current');
      await raisedAt(await tripAlarm('Pump 1 current check', 'low', motorCurrent));

      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/sites/${siteId}`);
      const tree = page.getByRole('navigation', { name: 'Assets of North Pumping Station' });
      const lowOn = (name: string) =>
        tree
          .locator('.asset-node', { has: page.locator(`a[data-asset="${name}"]`) })
          .locator('.severity-low');
      // the low alarm on Pump 1's motor current counts on Pump 1 and rolls up to the area above it
      await expect.poll(() => lowOn('Pump 1').locator('[aria-hidden]').textContent()).toBe('1');
      expect(await lowOn('Pump 1').textContent()).toContain('1 Low');
      expect(
        Number(await lowOn('Inlet works').locator('[aria-hidden]').textContent()),
      ).toBeGreaterThanOrEqual(1);
      await checkBasics(page, 'site-assets');

      await tree.getByRole('link', { name: 'Pump 1' }).click();
      await page.waitForURL(/\/assets\//);
      await page.getByRole('heading', { level: 1, name: /Pump 1/ }).waitFor();
      const value = page.locator('tr[data-measurement="Motor current"] .live-value');
      await expect.poll(() => value.textContent(), { timeout: 20_000 }).toMatch(/\d/);
      expect(await page.locator('tr[data-measurement="Running"] .live-value').textContent()).toMatch(
        /true|false/,
      );
      // listed under the asset's alarms (the alarm bar may also name it as the newest)
      await page.locator('.alarm-item', { hasText: 'Pump 1 current check' }).waitFor();
      expect(await page.getByText('NP3153-0042').count()).toBe(1);
      await checkBasics(page, 'asset-en');
      await page.getByRole('link', { name: 'Its alarms in the console' }).click();
      await page.getByText('Only alarms under Pump 1').waitFor();
      expect(await page.getByText('Pump 1 current check').count()).toBeGreaterThanOrEqual(1);
      await context.close();

      // the user's language (as the user menu sets it), a phone in the dark theme in English
      for (const variant of [
        { language: null, phone: true, heading: 'Measurements', shot: 'asset-phone-dark' },
        { language: 'pt-BR', phone: false, heading: 'Medições', shot: 'asset-pt-BR' },
        { language: 'es', phone: false, heading: 'Mediciones', shot: 'asset-es' },
        { language: 'zh-CN', phone: false, heading: '测量值', shot: 'asset-zh-CN' },
      ]) {
        const other = await e2e.signedIn(variant.phone ? { viewport: PHONE, colorScheme: 'dark' } : {});
        expect((await api.put('/v1/me/preferences', { language: variant.language })).status).toBe(200);
        await other.page.goto(`${e2e.web.url}/assets/${pump.id}`);
        await other.page.getByRole('heading', { level: 2, name: variant.heading, exact: true }).waitFor();
        if (variant.phone) {
          const sideways = await other.page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(sideways).toBeLessThanOrEqual(0);
        }
        await checkBasics(other.page, variant.shot);
        await other.context.close();
      }
      await api.put('/v1/me/preferences', {});
    },
    E2E_TEST_MS,
  );

  it('logged no console errors', () => {
    // The 404 probes above are requests of this test, not of a page, so they are not counted.
    expect(e2e.consoleErrors).toEqual([]);
  });
});
