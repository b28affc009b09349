// Data retention in Chromium (issue 16): an admin changes how long raw points are kept and finds it
// kept after a reload, a number over the plan's maximum is refused beside its field, the last
// nightly run's deletions are listed, and an operator sees it all read-only; desktop and phone.
import { systemClock } from '@plantwatch/functions/platform/clock';
import { uuidV7Ids } from '@plantwatch/functions/platform/ids';
import { applyRetention } from '@plantwatch/functions/retention/retention';
import type { Retention } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_COOKIE } from '../src/i18n/locales.ts';
import {
  apiSession,
  checkBasics,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  navigate,
  PHONE,
  startE2e,
} from './harness.ts';

let e2e: E2e;
let api: Awaited<ReturnType<typeof apiSession>>;

beforeAll(async () => {
  e2e = await startE2e();
  api = await apiSession(e2e.runtime.apiUrl);
  const tenantId = e2e.runtime.demo?.tenantId ?? '';
  // One nightly run now, whatever the hour in the demo tenant's zone, as the runtime's timer runs it.
  const { deps } = e2e.runtime;
  const deleteTenantBefore = deps.telemetry.deleteTenantBefore?.bind(deps.telemetry);
  const recorded = await applyRetention(
    {
      store: deps.store,
      clock: systemClock,
      ids: uuidV7Ids,
      tenantIds: async () => [tenantId],
      ...(deleteTenantBefore ? { telemetry: { deleteTenantBefore } } : {}),
    },
    tenantId,
    { force: true },
  );
  expect(recorded?.map((deletion) => deletion.kind)).toContain('alarmJournal');
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

describe('the data retention page', () => {
  it(
    'keeps a changed number of days after a reload, and lists what the last nightly run deleted',
    async () => {
      const { context, page } = await e2e.signedIn();
      await navigate(page, 'Settings', 'Data retention');
      await page.getByRole('heading', { level: 1, name: 'Data retention' }).waitFor();
      const runs = page.getByRole('table', { name: 'What the last nightly runs deleted' });
      await runs.getByRole('cell', { name: 'Alarm journal' }).first().waitFor();
      await runs.getByRole('cell', { name: 'Dead letters' }).first().waitFor();
      const { maxDays } = await api.get<Retention>('/v1/retention');
      await page.getByText(`Your plan keeps each kind of data at most ${maxDays} days.`).waitFor();

      await page.getByLabel('Raw points, days').fill('45');
      await page.getByRole('button', { name: 'Save retention' }).click();
      await page.getByText('Retention saved. The next nightly run applies it.').waitFor();
      await page.reload();
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      expect(await page.getByLabel('Raw points, days').inputValue()).toBe('45');
      await page.getByText('Set by an admin of your organisation.').waitFor();
      expect(await api.get<Retention>('/v1/retention')).toMatchObject({
        custom: true,
        settings: { rawPoints: 45 },
      });
      await checkBasics(page, 'retention');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'refuses a number over the plan’s maximum beside its field, and keeps the stored one',
    async () => {
      const before = await api.get<Retention>('/v1/retention');
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/settings/retention`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      const field = page.getByLabel('Alarm journal, days');
      await field.fill(String(before.maxDays + 1));
      await page.getByRole('button', { name: 'Save retention' }).click();
      await page
        .locator('.field-error', { hasText: `More than your plan allows: at most ${before.maxDays} days.` })
        .waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      await page.getByText('Check the highlighted fields.').waitFor();
      await checkBasics(page, 'retention-refused');
      expect((await api.get<Retention>('/v1/retention')).settings).toEqual(before.settings);
      await page.reload();
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      expect(await page.getByLabel('Alarm journal, days').inputValue()).toBe(
        String(before.settings.alarmJournal),
      );
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'fits a phone’s width without sideways scrolling, in English and in Chinese',
    async () => {
      const { context, page } = await e2e.signedIn({ viewport: PHONE });
      await page.goto(`${e2e.web.url}/settings/retention`);
      await page.getByRole('heading', { level: 1, name: 'Data retention' }).waitFor();
      await checkBasics(page, 'retention-phone');
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(sideways).toBeLessThanOrEqual(0);
      // The same session in a browser asking for Chinese: every text of the page comes from its messages.
      const zh = await e2e.newPage({ viewport: PHONE, locale: 'zh-CN' });
      await zh.context.addCookies(
        (await context.cookies()).filter((cookie) => cookie.name !== LOCALE_COOKIE),
      );
      await context.close();
      await zh.page.goto(`${e2e.web.url}/settings/retention`);
      await zh.page.getByRole('heading', { level: 1, name: '数据保留' }).waitFor();
      await zh.page.getByRole('button', { name: '保存保留设置' }).waitFor();
      await checkBasics(zh.page, 'retention-phone-zh');
      await zh.context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'shows an operator the settings and the runs, with nothing to change them',
    async () => {
      const operator = {
        email: `operator-${Date.now()}@riverside.example`,
        password: 'copper valve morning',
      };
      const invited = await api.post('/v1/users', {
        email: operator.email,
        name: 'Otto Operator',
        role: 'operator',
      });
      expect(invited.status).toBe(201);
      const { inviteToken } = (await invited.json()) as { inviteToken: string };
      const accepted = await fetch(`${e2e.runtime.apiUrl}/v1/auth/accept-invite`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: inviteToken, password: operator.password }),
      });
      expect(accepted.status).toBe(200);

      const { context, page } = await e2e.signedIn({}, operator);
      await navigate(page, 'Settings', 'Data retention');
      await page.getByText('Only an admin or the owner can change how long data is kept').waitFor();
      const settings = page.getByRole('table', { name: 'How long each kind of data is kept' });
      const rawPoints = settings.locator('tr[data-retention-kind="rawPoints"]');
      const { settings: kept } = await api.get<Retention>('/v1/retention');
      expect(await rawPoints.getByRole('cell').first().textContent()).toBe(String(kept.rawPoints));
      await page.getByRole('table', { name: 'What the last nightly runs deleted' }).waitFor();
      expect(await page.getByRole('button', { name: 'Save retention' }).count()).toBe(0);
      expect(await page.getByRole('spinbutton').count()).toBe(0);
      await checkBasics(page, 'retention-operator');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
