// The operating-curve scatter on the site dashboard in Chromium (issue 17, ADR 0048): a curve template
// and a rule made from it through the API on the demo plant (the wet well's inflow against its
// level), then the site page draws the last hour's points inside and outside the band, in English on
// a desktop and in Chinese on a phone.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_COOKIE } from '../src/i18n/locales.ts';
import {
  apiSession,
  checkBasics,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  outputDir,
  PHONE,
  startE2e,
} from './harness.ts';

let e2e: E2e;
let siteId = '';
const RULE = 'E2E inflow against level';

beforeAll(async () => {
  e2e = await startE2e();
  const api = await apiSession(e2e.runtime.apiUrl);
  const { tags } = await api.get<{ tags: { id: string; key: string }[] }>('/v1/tags');
  const id = (key: string) => tags.find((tag) => tag.key === key)?.id ?? '';
  const curve = await api.post('/v1/alarm-curves', {
    name: 'E2E wet well',
    xUnit: 'm',
    yUnit: 'L/s',
    points: [
      [0, 30],
      [2, 40],
      [4, 50],
    ],
  });
  expect(curve.status).toBe(201);
  const refused = await api.post('/v1/alarm-curves', {
    name: 'E2E unsorted',
    points: [
      [0, 30],
      [2, 40],
      [1, 50],
    ],
  });
  expect(refused.status).toBe(422);
  const rule = await api.post('/v1/alarm-rules', {
    kind: 'curve',
    tagId: id('inflow'),
    xTagId: id('level'),
    name: RULE,
    severity: 'low',
    curveId: ((await curve.json()) as { id: string }).id,
    tolerance: 6,
  });
  expect(rule.status).toBe(201);
  siteId = ((await rule.json()) as { siteId: string }).siteId;
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

describe('the operating-curve scatter', () => {
  it(
    "draws the rule's curve, band and the last hour's points on the site dashboard",
    async () => {
      const { context, page } = await e2e.signedIn();
      const figure = page.getByRole('figure').filter({ hasText: RULE });
      // the demo plant reports every few seconds: reload until a 30 s bucket of both tags has closed
      await expect
        .poll(
          async () => {
            await page.goto(`${e2e.web.url}/sites/${siteId}`);
            await page.getByRole('heading', { level: 2, name: 'Operating curves (last hour)' }).waitFor();
            return figure.locator('circle').count();
          },
          { timeout: 120_000, interval: 5_000 },
        )
        .toBeGreaterThan(1);
      expect(await figure.getByText('Wet well level (m) against Inflow (L/s)').count()).toBe(1);
      expect(await figure.locator('.curve-scatter-curve').count()).toBe(1);
      const judged = await figure
        .locator('circle')
        .evaluateAll((circles) => circles.map((c) => c.getAttribute('class')));
      expect(judged.every((c) => /curve-scatter-(inside|outside|beyond)/.test(c ?? ''))).toBe(true);
      await figure.scrollIntoViewIfNeeded();
      await checkBasics(page, 'site-curve-scatter');
      await figure.screenshot({ path: join(outputDir, 'site-curve-scatter-figure.png') });

      const zh = await e2e.newPage({ viewport: PHONE, locale: 'zh-CN' });
      await zh.context.addCookies(
        (await context.cookies()).filter((cookie) => cookie.name !== LOCALE_COOKIE),
      );
      await context.close();
      await zh.page.goto(`${e2e.web.url}/sites/${siteId}`);
      await zh.page.getByRole('heading', { level: 2, name: '运行曲线（最近一小时）' }).waitFor();
      await checkBasics(zh.page, 'site-curve-scatter-phone-zh');
      const sideways = await zh.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(sideways).toBeLessThanOrEqual(0);
      await zh.context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );
});
