// Live data in Chromium (ADR 0028): the site page pushed by server-sent events (values, the gateway's
// state), and what the alarm bar says when push is refused (it polls) and when nothing arrives at all
// (reconnecting, then stale since the last update), and that it comes back by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  checkBasics,
  DEMO,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  logIn,
  startE2e,
} from './harness.ts';

let e2e: E2e;
let siteId = '';

beforeAll(async () => {
  e2e = await startE2e();
  const api = await apiSession(e2e.runtime.apiUrl);
  siteId = (await api.get<{ sites: { id: string }[] }>('/v1/sites')).sites[0]?.id ?? '';
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

describe('live data', () => {
  it(
    "pushes a site's values and its gateway's state, without polling",
    async () => {
      const { context, page } = await e2e.newPage();
      const polls: string[] = [];
      page.on('request', (request) => {
        if (/^\/api\/sites\/[^/]+\/live$/.test(new URL(request.url()).pathname)) polls.push(request.url());
      });
      await logIn(page, e2e.web, DEMO.email, DEMO.password);
      await page.goto(`${e2e.web.url}/sites/${siteId}`);
      const status = page.locator('.live-status');
      await page
        .locator('.live-status[data-live="live"][data-transport="push"]')
        .waitFor({ timeout: 60_000 });
      await page.locator('[data-gateway-state="online"]').first().waitFor({ timeout: 60_000 });
      // The demo plant's gateway publishes every second: the time of the last update moves on by push.
      const first = await status.textContent();
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).not.toBe(first);
      expect(await status.textContent()).toMatch(/^Live · updated \d{2}:\d{2}:\d{2}$/);
      expect(polls).toEqual([]);
      await checkBasics(page, 'site-live-pushed');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'polls where push is refused, then says reconnecting and stale since the last update while nothing arrives, and comes back',
    async () => {
      const { context, page } = await e2e.newPage();
      await logIn(page, e2e.web, DEMO.email, DEMO.password);
      const errorsBefore = e2e.consoleErrors.length;
      // A proxy that does not pass event streams: the stream route answers 503.
      await context.route('**/api/alarms/summary/stream', (route) =>
        route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }),
      );
      await page.goto(`${e2e.web.url}/config/sites`);
      const bar = page.locator('.alarm-bar');
      const text = () => bar.locator('.alarm-bar-status').textContent();
      await page.locator('.alarm-bar[data-feed="live"][data-transport="poll"]').waitFor({ timeout: 30_000 });
      expect(await text()).toBe('Live · polling');
      await checkBasics(page, 'annunciator-polling');

      // Then the summary cannot be fetched either (the web server unreachable).
      await context.route('**/api/alarms/summary', (route) => route.abort('connectionrefused'));
      await page.locator('.alarm-bar[data-feed="reconnecting"]').waitFor({ timeout: 10_000 });
      expect(await text()).toMatch(/^Reconnecting · last update \d{2}:\d{2}:\d{2}$/);
      await page.locator('.alarm-bar[data-feed="stale"]').waitFor({ timeout: 15_000 });
      expect(await text()).toMatch(/^Stale since \d{2}:\d{2}:\d{2}$/);
      await checkBasics(page, 'annunciator-stale');

      await context.unroute('**/api/alarms/summary');
      await page.locator('.alarm-bar[data-feed="live"]').waitFor({ timeout: 10_000 });
      await context.close();
      // What the routes above refused on purpose (a 503 for the stream, a refused connection for the
      // summary; Chromium logs the first without its address) is not a page's error.
      const refused = (entry: string) =>
        /\/api\/alarms\/summary(\/stream)?\b|ERR_CONNECTION_REFUSED|status of 503/.test(entry);
      const during = e2e.consoleErrors.splice(errorsBefore);
      e2e.consoleErrors.push(...during.filter((entry) => !refused(entry)));
    },
    E2E_TEST_MS,
  );

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
