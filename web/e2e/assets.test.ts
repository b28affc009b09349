// Editing the asset hierarchy in Chromium (issue 21): the tree beside the site is searched by name
// and used from the keyboard, a second pump is made from the demo's "Centrifugal pump" model with its
// three alarm rules (seen in the rules list, and named by the 409 that refuses to delete it), an
// attribute and a measurement bound to the demo's derived tag are changed, and every page changed is
// photographed on a desktop and on a phone.
import type { Page } from 'playwright-core';
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
} from './harness.ts';

let e2e: E2e;
let siteId = '';

beforeAll(async () => {
  e2e = await startE2e();
  const api = await apiSession(e2e.runtime.apiUrl);
  siteId = await demoSiteId(api);
  // Pump 2's starter: the tags the model's patterns find with the key "pump2"
  const { gateways } = await api.get<{ gateways: { id: string }[] }>(`/v1/gateways?siteId=${siteId}`);
  const device = (await (
    await api.post('/v1/devices', {
      gatewayId: gateways[0]?.id,
      key: 'plc-3',
      name: 'Pump 2 starter',
      connection: { protocol: 'opcua', endpoint: 'opc.tcp://127.0.0.1:4999/pump2' },
    })
  ).json()) as { id: string };
  for (const key of ['pump2_run', 'pump2_fault', 'pump2_current', 'pump2_temp']) {
    const created = await api.post('/v1/tags', {
      deviceId: device.id,
      key,
      name: key,
      address: { kind: 'opcua', nodeId: `ns=1;s=${key}` },
    });
    expect(created.status).toBe(201);
  }
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
});

const tree = (page: Page) => page.getByRole('navigation', { name: 'Assets of North Pumping Station' });

describe('editing the asset hierarchy', () => {
  it(
    'searches the tree, makes a second pump from the model with its rules, and edits an attribute',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/sites/${siteId}`);
      const search = tree(page).getByLabel('Search assets');
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await search.fill('pump');
      await tree(page).getByText('2 assets match').waitFor();
      // matches shown with their ancestors; the wet well, which does not match, is hidden
      expect(await tree(page).locator('a[data-match]').allTextContents()).toEqual(['Pumping', 'Pump 1']);
      expect(await tree(page).getByRole('link', { name: 'Inlet works' }).count()).toBe(1);
      expect(await tree(page).getByRole('link', { name: 'Wet well' }).count()).toBe(0);
      // keyboard: ↓ into the tree, ↓ along it, Escape back to the field; Enter opens the first match
      await search.press('ArrowDown');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Pumping');
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Pump 1');
      await page.keyboard.press('Escape');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
      await search.fill('inlet works / pumping / wet');
      await tree(page).getByText('1 asset matches').waitFor();
      await checkBasics(page, 'assets-search');
      await search.press('Enter');
      await page.getByRole('heading', { level: 1, name: /Wet well/ }).waitFor();

      // a second pump from the model, under Pumping, its measurements bound by the model's patterns
      await page.goto(`${e2e.web.url}/sites/${siteId}`);
      await tree(page).getByRole('link', { name: 'Add an asset' }).click();
      await page.getByRole('heading', { level: 1, name: 'New asset at North Pumping Station' }).waitFor();
      const fromModel = page.getByRole('form', { name: 'From a model' });
      expect(await fromModel.getByLabel('Model', { exact: true }).inputValue()).not.toBe('');
      await fromModel.getByLabel('Under').selectOption({ label: 'Inlet works / Pumping' });
      await fromModel.getByLabel('Name').fill('Pump 2');
      await fromModel.getByLabel('Key', { exact: true }).fill('pump2');
      expect(await fromModel.getByLabel(/Make the model.s 3 default alarm rules/).isChecked()).toBe(true);
      await checkBasics(page, 'assets-new');
      await fromModel.getByRole('button', { name: 'Create from the model' }).click();
      await page.getByRole('heading', { level: 1, name: /Pump 2/ }).waitFor();
      const pumpUrl = page.url();
      expect(await tree(page).getByRole('link', { name: 'Pump 2' }).getAttribute('aria-current')).toBe(
        'page',
      );
      // its three rules, named by its path, are in the rules list
      await page.goto(`${e2e.web.url}/config/alarm-rules`);
      for (const rule of ['Tripped', 'Motor current high', 'Motor hot'])
        await page.getByText(`Inlet works / Pumping / Pump 2: ${rule}`).first().waitFor();

      // an attribute edited, and a measurement bound to the demo's derived tag
      await page.goto(pumpUrl);
      await page.getByRole('link', { name: 'Edit this asset' }).click();
      await page.getByRole('heading', { level: 1, name: 'Edit Pump 2' }).waitFor();
      const attributes = page.getByRole('form', { name: 'Attributes' });
      await attributes.getByLabel('Serial').fill('NP3153-0043');
      await attributes.getByLabel('Document 1 title').fill('Manual');
      await attributes.getByLabel('Document 1 link').fill('https://example.com/np3153.pdf');
      await attributes.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => attributes.locator('.form-status').textContent(), { timeout: 30_000 })
        .toContain('Saved.');
      const api = await apiSession(e2e.runtime.apiUrl);
      const { items } = await api.get<{ items: { id: string; name: string }[] }>(
        `/v1/derived-tags?siteId=${siteId}`,
      );
      const balance = items.find((item) => item.name === 'Wet well flow balance');
      if (!balance) throw new Error('the demo has no derived tag "Wet well flow balance"');
      const measurements = page.getByRole('form', { name: 'Measurements' });
      await measurements.getByLabel('Measurement 5 name').fill('Well balance');
      await measurements.getByLabel('Measurement 5 unit').fill('L/s');
      await measurements.getByLabel('Measurement 5 reads').selectOption(balance.id);
      await measurements.getByRole('button', { name: 'Save measurements' }).click();
      // the form's status line, whatever it says, is in the failure message
      await expect
        .poll(() => measurements.locator('.form-status').textContent(), { timeout: 30_000 })
        .toContain('Saved.');
      await checkBasics(page, 'assets-edit');
      // deleting it is refused while its rules exist: the API's 409 names them
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete Pump 2' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'cannot be deleted' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('Inlet works / Pumping / Pump 2: Tripped');

      await page.goto(pumpUrl);
      await page.getByText('NP3153-0043').waitFor();
      await page.getByRole('link', { name: 'Manual' }).waitFor();
      await page.locator('tr[data-measurement="Well balance"]').waitFor();
      // its live value: the derived tag's, from the site's live values (a number, not "—")
      await expect
        .poll(() => page.locator('tr[data-measurement="Well balance"] .live-value').textContent(), {
          timeout: 30_000,
        })
        .toMatch(/^-?[\d.,]+$/);
      // the trend of its measurements, named as the asset names them
      await page.getByRole('heading', { name: 'Trend of its measurements' }).waitFor();
      expect(await page.getByRole('checkbox', { name: /Well balance/ }).count()).toBe(1);
      await checkBasics(page, 'assets-asset');

      // the models list and the model
      await page.goto(`${e2e.web.url}/assets/models`);
      await page.getByRole('link', { name: 'Centrifugal pump' }).click();
      await page.getByRole('heading', { level: 1, name: 'Model Centrifugal pump' }).waitFor();
      expect(await page.getByLabel('Measurement 1 tag pattern').inputValue()).toBe('*/{key}_run');
      await checkBasics(page, 'assets-model');
      await page.goto(`${e2e.web.url}/assets/models`);
      await checkBasics(page, 'assets-models');
      await context.close();

      // the same pages on a phone
      const phone = await e2e.signedIn({ viewport: PHONE });
      for (const [path, shot] of [
        [`/sites/${siteId}`, 'assets-search-phone'],
        [pumpUrl.replace(e2e.web.url, ''), 'assets-asset-phone'],
        [`${pumpUrl.replace(e2e.web.url, '')}/edit`, 'assets-edit-phone'],
        [`/sites/${siteId}/assets/new`, 'assets-new-phone'],
        ['/assets/models', 'assets-models-phone'],
      ] as const) {
        await phone.page.goto(`${e2e.web.url}${path}`);
        await phone.page.locator('h1').first().waitFor();
        const sideways = await phone.page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(sideways, `${path} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
        await checkBasics(phone.page, shot);
      }
      await phone.context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS * 2,
  );
});
