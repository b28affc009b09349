// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// The derived-tag editor and the alarm rule backtest in Chromium (issue 17): on the demo plant, a
// formula built from the site's tags previews its value with quality and unit as it is typed, an
// unknown reference is named by the API's words, and the tag is added; in the new-rule form, a limit
// stack on the wet well level is tested against the last 7 days (one raise: the level has stood over
// the threshold since the plant started) and against 45 days (the API's 400 naming the 31-day limit).
// The tag is added with an evaluation period (ADR 0051), shown in the list and on the edit page. With
// the plan's tags all in use, a derived tag is refused as a tag would be (ADR 0056).
// Photographed on a desktop, and on a phone in Spanish.
import { changeTenantPlan } from '@plantwatch/functions/usage/usage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_COOKIE } from '../src/i18n/locales.ts';
import {
  apiSession,
  checkBasics,
  demoSiteId,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  PHONE,
  startE2e,
  waitForDemo,
} from './harness.ts';

let e2e: E2e;
let siteId = '';
let token = '';

const previewQuality = async (formula: string) => {
  const response = await fetch(`${e2e.runtime.apiUrl}/v1/derived-tags/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ siteId, formula }),
  });
  return ((await response.json()) as { quality?: string }).quality;
};

beforeAll(async () => {
  e2e = await startE2e();
  const api = await apiSession(e2e.runtime.apiUrl);
  siteId = await demoSiteId(api);
  token = api.token;
  // the demo plant's gateway has published the level and the inflow
  await waitForDemo(
    'the demo plant publishing the level and the inflow',
    async () => (await previewQuality('${plc-1:inflow} + ${plc-1:level}')) === 'good',
  );
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
});

describe('derived tags and backtests in the web app', () => {
  it(
    'previews a formula as it is typed, names an unknown reference, and adds the tag',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/config/sites/${siteId}`);
      await page.getByRole('link', { name: 'Derived tags (KPIs by formula)' }).click();
      await page.getByRole('heading', { level: 1, name: 'Derived tags of North Pumping Station' }).waitFor();
      const form = page.getByRole('form', { name: 'Add a derived tag' });
      await form.getByLabel('Key').fill('net-inflow');
      await form.getByLabel('Name').fill('Net inflow');
      await form.getByLabel('Unit').fill('L/s');
      await form.getByLabel('Insert a tag').selectOption('${plc-1:inflow}');
      const formula = form.getByLabel('Formula');
      await expect.poll(() => formula.inputValue()).toBe('${plc-1:inflow}');
      await formula.press('End');
      await formula.pressSequentially(' - 10');
      await form.getByTestId('preview-value').getByText(/L\/s/).waitFor();
      await form.getByTestId('preview-value').getByText('good').waitFor();

      await formula.fill('${plc-1:nope} - 10');
      await form
        .getByTestId('preview-error')
        .getByText(/\$\{plc-1:nope\}/)
        .waitFor();
      await form.getByRole('button', { name: 'Add derived tag' }).click();
      await form
        .getByText(/\$\{plc-1:nope\}/)
        .first()
        .waitFor();
      await checkBasics(page, 'derived-tags-unknown-reference');

      await formula.fill('${plc-1:inflow} - 10');
      await form.getByTestId('preview-value').getByText('good').waitFor();
      // ADR 0051: also computed every minute, uncertain after 10 minutes without a reading
      await form.getByLabel('Evaluation period (s)').fill('60');
      await form.getByLabel('Uncertain after (s)').fill('600');
      await form.getByRole('button', { name: 'Add derived tag' }).click();
      await page.getByText('Added Net inflow').waitFor();
      await page.getByRole('link', { name: 'Net inflow' }).waitFor();
      await page.getByRole('cell', { name: 'every 60 s' }).waitFor();
      await checkBasics(page, 'derived-tags-desktop');

      // the edit page previews the saved formula; on a phone, in Spanish
      await page.getByRole('link', { name: 'Net inflow' }).click();
      await page.getByRole('heading', { level: 1, name: 'Edit “Net inflow”' }).waitFor();
      await page.getByTestId('preview-value').getByText('good').waitFor();
      expect(await page.getByLabel('Evaluation period (s)').inputValue()).toBe('60');
      expect(await page.getByLabel('Uncertain after (s)').inputValue()).toBe('600');
      const url = page.url();
      const es = await e2e.newPage({ viewport: PHONE, locale: 'es' });
      await es.context.addCookies(
        (await context.cookies()).filter((cookie) => cookie.name !== LOCALE_COOKIE),
      );
      await context.close();
      await es.page.goto(url);
      await es.page.getByRole('heading', { level: 1, name: 'Editar «Net inflow»' }).waitFor();
      await es.page.getByTestId('preview-value').getByText('buena').waitFor();
      await checkBasics(es.page, 'derived-tags-phone-es');
      await es.context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );

  it(
    "tests the new rule against the last 7 days, and shows the API's refusal of 45",
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/config/alarm-rules`);
      const form = page.getByRole('form', { name: 'New alarm rule' });
      await form.getByLabel('Site').selectOption({ label: 'North Pumping Station' });
      await form.getByLabel('Device').selectOption({ label: 'Lift station PLC (Modbus TCP)' });
      await form.getByLabel('Tag', { exact: true }).selectOption({ label: 'Wet well level (level, m)' });
      await form.getByLabel('Hi threshold', { exact: true }).fill('-100');
      await form.getByRole('button', { name: 'Test against the last 7 days' }).click();
      const result = form.getByTestId('backtest-result');
      await result.waitFor();
      expect(await result.getByTestId('backtest-raises').textContent()).toBe('1');
      await result.getByRole('img', { name: 'Timeline' }).waitFor();
      await result.getByText('hi: still active at the end').waitFor();
      await checkBasics(page, 'backtest-desktop');

      await form.getByLabel('Other range (days)').fill('45');
      await form.getByRole('button', { name: 'Test', exact: true }).click();
      await form
        .getByTestId('backtest-error')
        .getByText(/limit of 31 days/)
        .waitFor();
      await checkBasics(page, 'backtest-too-long');
      await context.close();
      expect(e2e.consoleErrors.filter((line) => !/400 from/.test(line))).toEqual([]);
    },
    E2E_TEST_MS,
  );

  it(
    "refuses a derived tag when the plan's tags are all in use, as it would a tag",
    async () => {
      const demo = e2e.runtime.demo;
      if (!demo) throw new Error('no demo tenant');
      const api = await apiSession(e2e.runtime.apiUrl);
      const inUse = (await api.get<{ current: { tags: number } }>('/v1/usage')).current.tags;
      await changeTenantPlan(e2e.runtime.deps, demo.tenantId, {
        planId: 'professional',
        overrides: { tags: inUse },
        changedBy: 'e2e',
      });
      try {
        const { context, page } = await e2e.signedIn();
        await page.goto(`${e2e.web.url}/config/sites/${siteId}/derived-tags`);
        const form = page.getByRole('form', { name: 'Add a derived tag' });
        await form.getByLabel('Key').fill('level-twice');
        await form.getByLabel('Name').fill('Level twice');
        await form.getByLabel('Formula').fill('${plc-1:level} * 2');
        await form.getByTestId('preview-value').getByText('good').waitFor();
        await form.getByRole('button', { name: 'Add derived tag' }).click();
        await form
          .getByText(
            new RegExp(
              `^The Professional plan allows ${inUse} tags, and ${inUse} are in use\\. Remove one, or move to a larger plan\\.`,
            ),
          )
          .waitFor();
        await form.getByRole('link', { name: 'See plan and usage' }).waitFor();
        await checkBasics(page, 'derived-tags-plan-limit');
        const listed = await api.get<{ items: { key: string }[] }>(`/v1/derived-tags?siteId=${siteId}`);
        expect(listed.items.map((tag) => tag.key)).not.toContain('level-twice');
        await context.close();
        expect(e2e.consoleErrors.filter((line) => !/40[02] from/.test(line))).toEqual([]);
      } finally {
        await changeTenantPlan(e2e.runtime.deps, demo.tenantId, {
          planId: 'professional',
          overrides: {},
          changedBy: 'e2e',
        });
      }
    },
    E2E_TEST_MS,
  );
});
