// Live data in Chromium (ADR 0028): the site page pushed by server-sent events (values, the gateway's
// state), and what the alarm bar says when push is refused (it polls) and when nothing arrives at all
// (reconnecting, then stale since the last update), and that it comes back by itself. Then a site run
// from the cloud (issue 13) against the running demo gateway: a CSV import previewed (a refused row
// first), the version it makes applied by the gateway, its changes, a rollback, a device template; an
// OPC UA device browsed and a node added as a tag; a Modbus device read once.

import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
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
      const { context, page } = await e2e.signedIn();
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

  // Issue 13's pages: a gateway's config versions and health, the CSV import's preview, browse and read once.
  describe('running a site from the cloud', () => {
    let devices: { id: string; key: string; gatewayId: string }[] = [];
    const device = (key: string) => {
      const found = devices.find((d) => d.key === key);
      if (!found) throw new Error(`the demo plant has no device ${key}`);
      return found;
    };
    const versionRow = (page: Page, version: number) =>
      page
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: `v${version}`, exact: true }) });

    beforeAll(async () => {
      const api = await apiSession(e2e.runtime.apiUrl);
      devices = (await api.get<{ devices: typeof devices }>('/v1/devices')).devices;
    });

    it(
      'imports tags from CSV after a preview (a refused row named first), sees the running gateway apply the version, its changes, and rolls it back',
      async () => {
        const { context, page } = await e2e.signedIn();
        const plc = device('plc-1');
        await page.goto(`${e2e.web.url}/config/tags?deviceId=${plc.id}`);
        const form = page.getByRole('form', { name: 'Import and export tags (CSV)' });
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          form.getByRole('link', { name: 'Export CSV' }).click(),
        ]);
        expect(download.suggestedFilename()).toBe('plc-1-tags.csv');
        const exported = await readFile((await download.path()) ?? '', 'utf8');
        expect(exported.split('\r\n')[0]).toBe(
          'key,name,description,unit,scale,offset,deadband,area,address,type,bit,length,nodeId',
        );
        expect(exported).toContain('pump_fault,Pump 1 fault,,,1,0,0,holding,7,bool,3,,');
        const csv = form.getByLabel('or paste CSV');
        await csv.fill(
          'key,name,unit,area,address,type,bit\npump_remote,Pump 1 in remote,,holding,7,bool,5\nbad,Bad,,coil,1,float32,\n',
        );
        await form.getByRole('button', { name: 'Check import' }).click();
        await form.getByText('1 problem in the file: nothing will be imported until it is fixed.').waitFor();
        await form.getByText('Row 3, type: a coil holds one bit: type must be bool').waitFor();
        await checkBasics(page, 'tags-import-refused');

        await csv.fill(
          'key,name,unit,area,address,type,bit\npump_remote,Pump 1 in remote,,holding,7,bool,5\n',
        );
        await form.getByRole('button', { name: 'Check import' }).click();
        const preview = form.getByRole('region', { name: 'What the import will do' });
        await preview.getByRole('heading', { name: '1 tag added' }).waitFor();
        await preview.getByText('pump_remote', { exact: true }).waitFor();
        // merge: the device's other tags are not in the file, so none is deleted or counted
        expect(await preview.getByText(/deleted|unchanged/).count()).toBe(0);
        await checkBasics(page, 'tags-import-preview');
        await preview.getByRole('button', { name: 'Import', exact: true }).click();
        const done = form.getByText(/^Imported: 1 added, 0 changed, 0 deleted; sent as v\d+\.$/);
        const version = Number((await done.textContent())?.match(/v(\d+)/)?.[1]);
        expect(version).toBeGreaterThan(1);
        await page.getByRole('rowheader', { name: 'Pump 1 in remote' }).waitFor();

        // The demo gateway takes the version and says so on its status; the page re-reads it by itself.
        await page.goto(`${e2e.web.url}/config/gateways/${plc.gatewayId}`);
        const health = page.getByRole('region', { name: 'Health' });
        await health.getByText(`Applied v${version}`, { exact: true }).waitFor({ timeout: 45_000 });
        await health.getByText('Online', { exact: true }).waitFor();
        const imported = versionRow(page, version);
        await imported.getByText('Applied (running)').waitFor();
        expect(await imported.textContent()).toMatch(/You.*CSV import, merge/);
        await checkBasics(page, 'gateway-versions');

        await imported.getByRole('link', { name: `Changes in v${version}` }).click();
        const diff = page.getByRole('region', { name: `Changes from v${version - 1} to v${version}` });
        await diff.getByText('Tag pump_remote added').waitFor();
        expect(await diff.getByText('bit: 5', { exact: true }).count()).toBe(1);

        page.once('dialog', (dialog) => void dialog.accept());
        await versionRow(page, version - 1)
          .getByRole('button', { name: `Roll back to v${version - 1}` })
          .click();
        await page.getByText(`Rolled back to v${version - 1}: sent as v${version + 1}.`).waitFor();
        await versionRow(page, version + 1)
          .getByText(`rolled back to version ${version - 1}`)
          .waitFor();
        await health.getByText(`Applied v${version + 1}`, { exact: true }).waitFor({ timeout: 45_000 });
        await versionRow(page, version).getByText('Replaced').waitFor();
        const api = await apiSession(e2e.runtime.apiUrl);
        const { tags } = await api.get<{ tags: { key: string }[] }>(`/v1/tags?deviceId=${plc.id}`);
        expect(tags.map((tag) => tag.key)).not.toContain('pump_remote');

        // A device's tags saved as a template and given back to it: nothing differs, nothing changes.
        await page.goto(`${e2e.web.url}/config/tags?deviceId=${plc.id}`);
        const save = page.getByRole('form', { name: 'Save a device’s tags as a template' });
        await save.getByLabel(/^Name/).fill('Lift station map');
        await save.getByRole('button', { name: 'Save template' }).click();
        // the demo's plc-1 tags, however many the demo seeds (its discharge meters came with issue 17)
        await save.getByText(`Template Lift station map saved with ${tags.length} tags.`).waitFor();
        await page.getByRole('rowheader', { name: 'Lift station map' }).waitFor();
        const apply = page.getByRole('form', { name: 'Apply a template' });
        await apply.getByRole('checkbox', { name: /plc-1/ }).check();
        await apply.getByRole('button', { name: 'Apply template' }).click();
        await apply.getByText('Applied to 1 device: 0 added, 0 changed, 0 deleted.').waitFor();
        await checkBasics(page, 'tags-templates');
        await context.close();

        for (const [name, options, path, mark] of [
          ['gateway-versions-dark', { colorScheme: 'dark' as const }, 'gateway', 'Tag pump_remote added'],
          ['gateway-versions-phone', { viewport: PHONE }, 'gateway', 'Tag pump_remote added'],
          ['gateway-versions-zh', {}, 'gateway', '标签 pump_remote 已添加'],
          ['tags-templates-dark', { colorScheme: 'dark' as const }, 'tags', 'Lift station map'],
          ['tags-templates-phone', { viewport: PHONE }, 'tags', 'Lift station map'],
        ] as const) {
          const other = await e2e.signedIn(options);
          if (name.endsWith('-zh')) {
            await other.context.addCookies([{ name: LOCALE_COOKIE, value: 'zh-CN', url: e2e.web.url }]);
          }
          await other.page.goto(
            path === 'gateway'
              ? `${e2e.web.url}/config/gateways/${plc.gatewayId}?from=${version - 1}&to=${version}`
              : `${e2e.web.url}/config/tags?deviceId=${plc.id}`,
          );
          await other.page.getByText(mark).first().waitFor();
          await checkBasics(other.page, name);
          await other.context.close();
        }
      },
      E2E_TEST_MS,
    );

    it(
      'browses the OPC UA device through its gateway and adds a chosen node as a tag; reads the Modbus device once',
      async () => {
        const drive = device('plc-2');
        for (const [name, options] of [
          ['device-browse', {}],
          ['device-browse-dark', { colorScheme: 'dark' as const }],
          ['device-browse-phone', { viewport: PHONE }],
        ] as const) {
          const { context, page } = await e2e.signedIn(options);
          await page.goto(`${e2e.web.url}/config/devices/${drive.id}`);
          await page.getByRole('button', { name: 'Browse', exact: true }).click();
          await page.getByText(/^\d+ nodes\.$/).waitFor({ timeout: 30_000 });
          await page.getByLabel('Search nodes').fill('Pump');
          // already a tag: ticked and not to be chosen again
          const temperature = page.getByRole('checkbox', { name: 'Add MotorTemperature as a tag' });
          expect(await temperature.isDisabled()).toBe(true);
          await page.getByLabel('Search nodes').fill('');
          const running = page.getByRole('checkbox', { name: 'Add PumpRunning as a tag' });
          if (name === 'device-browse') {
            await running.check();
            expect(await page.getByLabel('Key for PumpRunning').inputValue()).toBe('PumpRunning');
            await page.getByLabel('Key for PumpRunning').fill('pump_running');
            await checkBasics(page, 'device-browse-chosen');
            await page.getByRole('button', { name: 'Add 1 tag' }).click();
            await page.getByText(/^Added 1 tag: sent to the gateway as v\d+\.$/).waitFor();
            await page.getByRole('rowheader', { name: 'PumpRunning' }).waitFor();
          } else {
            expect(await running.isDisabled()).toBe(true);
          }
          await checkBasics(page, name);
          await context.close();
        }

        const { context, page } = await e2e.signedIn();
        await page.goto(`${e2e.web.url}/config/devices/${device('plc-1').id}`);
        await page.getByText(/has no address space to browse/).waitFor();
        await page.getByRole('button', { name: 'Read once' }).click();
        await page.getByText(/^The device answered in \d+ ms\.$/).waitFor({ timeout: 30_000 });
        const results = page.getByRole('table', { name: 'Test connection' });
        await results.getByRole('rowheader', { name: /Wet well level/ }).waitFor();
        const api = await apiSession(e2e.runtime.apiUrl);
        const { tags } = await api.get<{ tags: unknown[] }>(`/v1/tags?deviceId=${device('plc-1').id}`);
        // a header row and one row per tag read
        expect(await results.getByRole('row').count()).toBe(tags.length + 1);
        await checkBasics(page, 'device-read-once');
        await context.close();
      },
      E2E_TEST_MS,
    );
  });

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
