// Carrying an asset model's change to its assets in Chromium (issue 21, ADR 0043): two dosing pumps
// made from a model, the model then changed (Fault renamed Trip, Running dropped, Speed added, the
// trip rule made critical); the propagation page previews both pumps with their conflicts, an apply
// with conflicts is refused with the API's words, the choices are previewed and applied, and the
// pumps then agree with the model. Photographed on a desktop, and on a phone in Chinese.
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
} from './harness.ts';

let e2e: E2e;
let modelId = '';
const pumps: { id: string; name: string }[] = [];
let token = '';

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${e2e.runtime.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  e2e = await startE2e();
  const api = await apiSession(e2e.runtime.apiUrl);
  token = api.token;
  const siteId = await demoSiteId(api);
  const { gateways } = await api.get<{ gateways: { id: string }[] }>(`/v1/gateways?siteId=${siteId}`);
  const device = (
    await call('POST', '/v1/devices', {
      gatewayId: gateways[0]?.id,
      key: 'dosing',
      name: 'Dosing skid',
      connection: { protocol: 'opcua', endpoint: 'opc.tcp://127.0.0.1:4999/dosing' },
    })
  ).body as { id: string };
  for (const key of ['d1_run', 'd1_fault', 'd2_run', 'd2_fault']) {
    const created = await call('POST', '/v1/tags', {
      deviceId: device.id,
      key,
      name: key,
      address: { kind: 'opcua', nodeId: `ns=1;s=${key}` },
    });
    expect(created.status).toBe(201);
  }
  const model = await call('POST', '/v1/asset-models', {
    name: 'Dosing pump',
    measurements: [
      { name: 'Running', tagPattern: 'dosing/{key}_run' },
      { name: 'Fault', tagPattern: 'dosing/{key}_fault' },
    ],
    alarmRules: [
      { measurement: 'Fault', rule: { kind: 'digital', name: 'Tripped', severity: 'high', trigger: 'true' } },
    ],
  });
  expect(model.status).toBe(201);
  modelId = String(model.body.id);
  for (const n of [1, 2]) {
    const made = await call('POST', `/v1/asset-models/${modelId}/assets`, {
      siteId,
      name: `Dosing ${n}`,
      key: `d${n}`,
    });
    expect(made.status).toBe(201);
    pumps.push({ id: String((made.body.asset as { id: string }).id), name: `Dosing ${n}` });
  }
  const changed = await call('PATCH', `/v1/asset-models/${modelId}`, {
    measurements: [
      { name: 'Trip', tagPattern: 'dosing/{key}_fault' },
      { name: 'Speed', unit: 'rpm' },
    ],
    alarmRules: [
      {
        measurement: 'Trip',
        rule: { kind: 'digital', name: 'Tripped', severity: 'critical', trigger: 'true' },
      },
    ],
  });
  expect(changed.status).toBe(200);
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
});

describe('carrying a model change to its assets', () => {
  it(
    'previews both pumps, refuses while a conflict is open, and applies the choices',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/assets/models/${modelId}`);
      await page.getByRole('link', { name: 'Carry the model’s changes to its assets' }).click();
      await page.getByRole('heading', { level: 1, name: 'Carry “Dosing pump” to its assets' }).waitFor();
      await page.getByText('2 assets, 4 changes, 4 conflicts').waitFor();
      const section = (name: string) =>
        page.locator('section', { has: page.getByRole('heading', { level: 2, name }) });
      await section('Dosing 1').getByText('Speed (rpm)').waitFor();
      await section('Dosing 1').getByText('Tripped: "Trip" is not bound to a tag on this asset').waitFor();
      await checkBasics(page, 'propagation-preview');

      // applying with conflicts: the API's 409, nothing changed
      await page.getByRole('button', { name: 'Apply to 2 assets' }).click();
      await page.getByText(/nothing changed: 4 conflicts to resolve first/).waitFor();
      const before = await call('GET', `/v1/assets/${pumps[0]?.id}`);
      expect((before.body.measurements as { name: string }[]).map((m) => m.name)).toEqual([
        'Running',
        'Fault',
      ]);

      for (const pump of pumps) {
        await section(pump.name)
          .getByLabel('What to do with “Running”')
          .selectOption({ label: 'Remove it (its tag and its alarm rules go)' });
        await section(pump.name)
          .getByLabel('What to do with “Fault”')
          .selectOption({ label: 'It becomes “Trip” (keeps its tag and alarm rules)' });
      }
      await page.getByRole('button', { name: 'Preview these choices' }).click();
      await page.getByText('2 assets, 8 changes, 0 conflicts').waitFor();
      await section('Dosing 2').getByText('Fault → Trip').waitFor();
      await section('Dosing 2').getByText('Dosing 2: Tripped (severity)').waitFor();
      await checkBasics(page, 'propagation-choices');

      await page.getByRole('button', { name: 'Apply to 2 assets' }).click();
      await page.getByText('Applied: 8 changes.').waitFor();
      const after = await call('GET', `/v1/assets/${pumps[0]?.id}`);
      expect(
        (after.body.measurements as { name: string; tagId: string | null }[]).map((m) => m.name),
      ).toEqual(['Trip', 'Speed']);
      const rules = await call('GET', '/v1/alarm-rules');
      const tripped = (rules.body.alarmRules as { name: string; severity: string }[]).filter((r) =>
        /^Dosing \d: Tripped$/.test(r.name),
      );
      expect(tripped.map((r) => r.severity)).toEqual(['critical', 'critical']);
      await page.goto(`${e2e.web.url}/assets/models/${modelId}/propagate`);
      await page.getByText('Every asset agrees with the model.').waitFor();

      // the same session in a browser asking for Chinese, on a phone
      const zh = await e2e.newPage({ viewport: PHONE, locale: 'zh-CN' });
      await zh.context.addCookies(
        (await context.cookies()).filter((cookie) => cookie.name !== LOCALE_COOKIE),
      );
      await context.close();
      await zh.page.goto(`${e2e.web.url}/assets/models/${modelId}/propagate`);
      await zh.page.getByRole('heading', { level: 1, name: '将“Dosing pump”带到其资产' }).waitFor();
      await checkBasics(zh.page, 'propagation-phone-zh');
      await zh.context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );
});
