// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Derived tags in the pickers (issue 17, ADR 0053), in Chromium on the demo plant: the site's trend
// offers the demo's derived tag in a "Derived tags" group and draws its series; the site dashboard
// lists it with its formula and live value; a report covering it is made in the report form, run,
// and its CSV names it by name and unit; the rule list names both tags of the demo's curve rule.
// Photographed on a desktop and on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const DERIVED = 'Wet well flow balance';
let e2e: E2e;
let siteId = '';
let derivedId = '';

beforeAll(async () => {
  e2e = await startE2e();
  const api = await apiSession(e2e.runtime.apiUrl);
  siteId = await demoSiteId(api);
  const { items } = await api.get<{ items: { id: string; name: string }[] }>(
    `/v1/derived-tags?siteId=${siteId}`,
  );
  derivedId = items.find((tag) => tag.name === DERIVED)?.id ?? '';
  expect(derivedId).not.toBe('');
  // the demo plant has published the balance's inputs, so the derived tag has samples
  await waitForDemo('the demo plant computing the flow balance', async () => {
    const latest = await api.get<{ values?: { tagId: string; quality: string }[] }>(
      `/v1/telemetry/latest?tagIds=${derivedId}`,
    );
    return latest.values?.some((value) => value.tagId === derivedId && value.quality === 'good') ?? false;
  });
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
});

describe('derived tags beside tags', () => {
  it(
    "draws the derived tag's series on the site's trend, and lists it on the dashboard",
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/sites/${siteId}`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      // the dashboard's card of derived tags: the formula and a live value
      const card = page.getByRole('region', { name: 'Derived tags' });
      const row = card.getByRole('row', { name: new RegExp(DERIVED) });
      await row.getByText('${plc-1:inflow}', { exact: false }).waitFor();
      await expect.poll(() => row.getByRole('cell').nth(1).textContent()).toMatch(/\d/);

      const group = page.getByRole('group', { name: 'Derived tags' });
      await group.getByText('wet-well-balance').waitFor();
      const series = page.waitForResponse(
        (response) => response.url().includes('/api/series') && response.url().includes(derivedId),
      );
      await group.getByRole('checkbox', { name: new RegExp(DERIVED) }).check();
      const answer = (await (await series).json()) as { series: { tagId: string; buckets: unknown[] }[] };
      expect(answer.series.find((one) => one.tagId === derivedId)?.buckets.length).toBeGreaterThan(0);
      await page.getByRole('img', { name: new RegExp(`Trend of .*${DERIVED}`) }).waitFor();
      await page.getByText(/intervals/).waitFor();
      await checkBasics(page, 'derived-trend-desktop');

      const phone = await e2e.newPage({ viewport: PHONE });
      await phone.context.addCookies(await context.cookies());
      await context.close();
      await phone.page.goto(`${e2e.web.url}/sites/${siteId}`);
      const phoneGroup = phone.page.getByRole('group', { name: 'Derived tags' });
      await phoneGroup.getByRole('checkbox', { name: new RegExp(DERIVED) }).check();
      await phone.page.getByRole('img', { name: new RegExp(`Trend of .*${DERIVED}`) }).waitFor();
      await phone.page.getByText(/intervals/).waitFor();
      await checkBasics(phone.page, 'derived-trend-phone');
      expect(
        await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await phone.context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );

  it(
    'makes a report covering the derived tag, whose CSV names it by name and unit',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/reports`);
      const form = page.getByRole('form', { name: 'New report' });
      await form.getByText('Derived tags of North Pumping Station').waitFor();
      await form.getByLabel(/^Name/).fill('Wet well balance');
      await form.getByRole('checkbox', { name: `${DERIVED} (wet-well-balance)` }).check();
      // a fixed period around now, in UTC: the demo plant has run for minutes only
      const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
      await form.getByLabel(/^Period/).selectOption('custom');
      await form.getByLabel(/^From/).fill(local(Date.now() - 2 * 3_600_000));
      await form.getByLabel(/^To\b/).fill(local(Date.now() + 3_600_000));
      await form.getByLabel(/^Time zone/).fill('UTC');
      await form.getByRole('checkbox', { name: 'PDF', exact: true }).uncheck();
      await form.getByRole('checkbox', { name: 'CSV', exact: true }).check();
      await form.getByLabel(/^Recipients/).fill('ops@example.com');
      await checkBasics(page, 'derived-report-form-desktop');
      await form.getByRole('button', { name: 'Add report' }).click();
      const section = page.getByRole('region', { name: 'Wet well balance' });
      await section.waitFor();
      await section.getByRole('button', { name: 'Run now' }).click();
      // the run appears once the queue has rendered it
      const csvLink = section.getByRole('link', { name: 'CSV' });
      const deadline = Date.now() + 60_000;
      while (!(await csvLink.isVisible())) {
        if (Date.now() > deadline) throw new Error('the report run made no CSV in a minute');
        await page.waitForTimeout(1_000);
        await page.reload();
      }
      const href = new URL((await csvLink.getAttribute('href')) ?? '', page.url()).toString();
      const csv = await (await page.request.get(href)).text();
      expect(csv).toMatch(
        new RegExp(`,North Pumping Station,Derived tags,${DERIVED},${derivedId},L/s,-?\\d`),
      );
      await checkBasics(page, 'derived-report-desktop');

      const phone = await e2e.newPage({ viewport: PHONE });
      await phone.context.addCookies(await context.cookies());
      await context.close();
      await phone.page.goto(`${e2e.web.url}/reports`);
      await phone.page.getByText('Derived tags of North Pumping Station').waitFor();
      await checkBasics(phone.page, 'derived-report-phone');
      await phone.context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );

  it(
    "names both the Y and the X tag of the demo's curve rule in the rule list",
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/config/alarm-rules`);
      const row = page.getByRole('row', { name: /Pump 1 drawing too much current/ });
      await row.getByText(/Pump 1 motor current \(Y\) against .*Discharge main, leaving \(X\)/).waitFor();
      await checkBasics(page, 'derived-rule-list-desktop');
      await context.close();
    },
    E2E_TEST_MS,
  );
});
