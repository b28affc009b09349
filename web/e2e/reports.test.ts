// Reports by area in Chromium (ADR 0043): an engineer ticks one area of the demo plant in the report
// form's asset tree (what is under it shown as included), the report keeps it on its edit page after
// a reload and after saving, and its run's CSV has one group per asset of that subtree and nothing
// else; an asset removed while the form was open is named beside the assets; the picker in every
// language. Photographed on a desktop and on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_COOKIE } from '../src/i18n/locales.ts';
import {
  apiSession,
  checkBasics,
  DEMO,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  logIn,
  PHONE,
  startE2e,
} from './harness.ts';

const SITE = 'North Pumping Station';
const ASSETS = `Areas and equipment of ${SITE}`;
let e2e: E2e;
let token = '';

interface TreeNode {
  id: string;
  name: string;
  children: TreeNode[];
}
const names = (nodes: TreeNode[], path = ''): { id: string; path: string }[] =>
  nodes.flatMap((node) => {
    const here = path ? `${path} / ${node.name}` : node.name;
    return [{ id: node.id, path: here }, ...names(node.children, here)];
  });

beforeAll(async () => {
  e2e = await startE2e();
  token = (await apiSession(e2e.runtime.apiUrl)).token;
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
});

async function siteAssets() {
  const api = await apiSession(e2e.runtime.apiUrl);
  const { sites } = await api.get<{ sites: { id: string; name: string }[] }>('/v1/sites');
  const siteId = sites.find((site) => site.name === SITE)?.id ?? '';
  const tree = await api.get<{ assets: TreeNode[] }>(`/v1/sites/${siteId}/asset-tree`);
  return { api, siteId, assets: names(tree.assets) };
}

describe('a report by area', () => {
  it(
    'covers the area ticked in the form, keeps it on edit, and reports each asset under it',
    async () => {
      const { assets } = await siteAssets();
      const works = assets.find((asset) => asset.path === 'Inlet works');
      expect(works).toBeDefined();
      const subtree = assets.filter((asset) => asset.path.startsWith('Inlet works')).map((a) => a.path);
      expect(subtree).toEqual([
        'Inlet works',
        'Inlet works / Pumping',
        'Inlet works / Pumping / Pump 1',
        'Inlet works / Pumping / Wet well',
      ]);

      const { context, page } = await e2e.newPage();
      await logIn(page, e2e.web, DEMO.email, DEMO.password);
      await page.goto(`${e2e.web.url}/reports`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      const form = page.getByRole('form', { name: 'New report' });
      const tree = form.getByRole('group', { name: ASSETS });
      // ticked from the keyboard, as any checkbox
      const worksBox = tree.getByRole('checkbox', { name: /^Inlet works · area$/ });
      await worksBox.focus();
      await page.keyboard.press('Space');
      await expect.poll(() => worksBox.isChecked()).toBe(true);
      // what is under the area is in the report already: ticked, greyed, not to be ticked again
      const pumping = tree.getByRole('checkbox', { name: /^Pumping · process · included with Inlet works$/ });
      expect(await pumping.isChecked()).toBe(true);
      expect(await pumping.isDisabled()).toBe(true);
      expect(await tree.getByRole('checkbox', { name: /^Pump 1 · equipment/ }).isChecked()).toBe(true);

      await form.getByLabel(/^Name/).fill('Inlet works by asset');
      // a fixed period around now, in UTC: the demo plant has run for minutes only
      const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
      await form.getByLabel(/^Period/).selectOption('custom');
      await form.getByLabel(/^From/).fill(local(Date.now() - 2 * 3_600_000));
      await form.getByLabel(/^To\b/).fill(local(Date.now() + 3_600_000));
      await form.getByLabel(/^Time zone/).fill('UTC');
      await form.getByRole('checkbox', { name: 'PDF', exact: true }).uncheck();
      await form.getByRole('checkbox', { name: 'CSV', exact: true }).check();
      await form.getByLabel(/^Recipients/).fill('ops@example.com');
      await checkBasics(page, 'report-assets-form-desktop');
      await form.getByRole('button', { name: 'Add report' }).click();
      const section = page.getByRole('region', { name: 'Inlet works by asset' });
      await section.waitFor();
      // the added report's choice does not linger in the emptied form
      await expect
        .poll(() => tree.getByRole('checkbox', { name: /^Inlet works · area$/ }).isChecked())
        .toBe(false);
      expect(await tree.getByRole('checkbox', { name: /^Pumping · process$/ }).isDisabled()).toBe(false);

      // the API was sent the area alone: everything under it comes with it
      const { reports } = (await (
        await fetch(`${e2e.runtime.apiUrl}/v1/reports`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { reports: { id: string; name: string; scope: { assetIds: string[] } }[] };
      const report = reports.find((one) => one.name === 'Inlet works by asset');
      expect(report?.scope.assetIds).toEqual([works?.id]);

      // the run's CSV: one group per asset of the subtree with bound tags, headed by its path
      await section.getByRole('button', { name: 'Run now' }).click();
      const csvLink = section.getByRole('link', { name: 'CSV' });
      const deadline = Date.now() + 60_000;
      while (!(await csvLink.isVisible())) {
        if (Date.now() > deadline) throw new Error('the report run made no CSV in a minute');
        await page.waitForTimeout(1_000);
        await page.reload();
      }
      const href = new URL((await csvLink.getAttribute('href')) ?? '', page.url()).toString();
      const csv = await (await page.request.get(href)).text();
      const rows = csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(','));
      const groups = new Set(rows.map((row) => `${row[2]}|${row[3]}`));
      expect([...groups].sort()).toEqual([
        `${SITE}|Inlet works / Pumping / Pump 1`,
        `${SITE}|Inlet works / Pumping / Wet well`,
      ]);
      expect(new Set(rows.filter((row) => row[3]?.endsWith('Wet well')).map((row) => row[4]))).toEqual(
        new Set(['Level', 'Inflow', 'Flow total']),
      );
      expect(new Set(rows.filter((row) => row[3]?.endsWith('Pump 1')).map((row) => row[4]))).toEqual(
        // run and fault bound by the pump model's patterns, the drive's two by hand (demo-assets.ts)
        new Set(['Running', 'Fault', 'Motor current', 'Motor temperature']),
      );

      // kept on edit: after a reload, and after saving the form unchanged
      await section.getByRole('link', { name: 'Edit Inlet works by asset' }).click();
      await page.waitForURL(/\/reports\/[0-9a-f-]+$/);
      await page.reload();
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      const edit = page.getByRole('form', { name: 'Edit Inlet works by asset' });
      const editTree = edit.getByRole('group', { name: ASSETS });
      expect(await editTree.getByRole('checkbox', { name: /^Inlet works · area$/ }).isChecked()).toBe(true);
      expect(
        await editTree
          .getByRole('checkbox', { name: /^Wet well · equipment · included with Inlet works$/ })
          .isChecked(),
      ).toBe(true);
      await checkBasics(page, 'report-assets-edit-desktop');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.getByText('Saved.').waitFor();
      await page.reload();
      await expect
        .poll(() =>
          page
            .getByRole('group', { name: ASSETS })
            .getByRole('checkbox', { name: /^Inlet works · area$/ })
            .isChecked(),
        )
        .toBe(true);
      const saved = (await (
        await fetch(`${e2e.runtime.apiUrl}/v1/reports/${report?.id}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as {
        scope: { siteIds: string[]; deviceIds: string[]; tagIds: string[]; assetIds: string[] };
      };
      expect(saved.scope).toEqual({ siteIds: [], deviceIds: [], tagIds: [], assetIds: [works?.id] });

      // on a phone: the tree fits the screen, nothing scrolls sideways
      const phone = await e2e.newPage({ viewport: PHONE });
      await phone.context.addCookies(await context.cookies());
      await phone.page.goto(page.url());
      await phone.page.getByRole('group', { name: ASSETS }).waitFor();
      await checkBasics(phone.page, 'report-assets-edit-phone');
      expect(
        await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await phone.page.goto(`${e2e.web.url}/reports`);
      await phone.page
        .getByRole('form', { name: 'New report' })
        .getByRole('group', { name: ASSETS })
        .waitFor();
      await checkBasics(phone.page, 'report-assets-form-phone');
      expect(
        await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await phone.context.close();

      for (const { locale, legend } of [
        { locale: 'es', legend: `Áreas y equipos de ${SITE}` },
        { locale: 'pt-BR', legend: `Áreas e equipamentos de ${SITE}` },
        { locale: 'zh-CN', legend: `${SITE} 的区域与资产` },
      ]) {
        const other = await e2e.newPage({ locale });
        await other.context.addCookies(
          (await context.cookies()).filter((cookie) => cookie.name !== LOCALE_COOKIE),
        );
        await other.page.goto(page.url());
        await other.page.getByRole('group', { name: legend }).waitFor();
        await checkBasics(other.page, `report-assets-edit-${locale}`);
        await other.context.close();
      }
      await context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );

  it(
    'says beside the assets that a ticked asset was removed while the form was open',
    async () => {
      const { api, siteId } = await siteAssets();
      const created = await api.post('/v1/assets', { siteId, name: 'Screens', level: 'area' });
      expect(created.status).toBe(201);
      const screens = (await created.json()) as { id: string };

      const { context, page } = await e2e.newPage();
      await logIn(page, e2e.web, DEMO.email, DEMO.password);
      await page.goto(`${e2e.web.url}/reports`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      const form = page.getByRole('form', { name: 'New report' });
      await form
        .getByRole('group', { name: ASSETS })
        .getByRole('checkbox', { name: /^Screens · area$/ })
        .check();
      await form.getByLabel(/^Name/).fill('Screens daily');
      await form.getByLabel(/^Recipients/).fill('ops@example.com');
      const removed = await fetch(`${e2e.runtime.apiUrl}/v1/assets/${screens.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(removed.status).toBe(204);

      await form.getByRole('button', { name: 'Add report' }).click();
      await form.getByText('Check the highlighted fields.').waitFor();
      const scope = form.getByRole('group', { name: /^Covers/ });
      await scope
        .getByText('A chosen asset has been removed, or is no longer in your sites.', { exact: false })
        .waitFor();
      // the message is what the scope's group is described by, for a screen reader
      const describedBy = (await scope.getAttribute('aria-describedby')) ?? '';
      const messages = await Promise.all(
        describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()),
      );
      expect(messages.join(' ')).toMatch(/A chosen asset has been removed/);
      await checkBasics(page, 'report-assets-gone-desktop');
      expect(await page.getByRole('region', { name: 'Screens daily' }).count()).toBe(0);
      await context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );
});
