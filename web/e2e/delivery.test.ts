// Alarm delivery in Chromium (issue 12's pages): a chain's history on the alarm page, test sends and
// the Telegram link on a contact's page (results and refusals beside the channel), the repeat backoff's
// preview on a policy, the notification settings' new fields, the outbox's filters and badges, and the
// tenant canary: set, sent now, acknowledged here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession, checkBasics, E2E_SETUP_MS, E2E_TEST_MS, type E2e, startE2e } from './harness.ts';

let e2e: E2e;
let api: Awaited<ReturnType<typeof apiSession>>;
let contactId = '';

beforeAll(async () => {
  e2e = await startE2e();
  api = await apiSession(e2e.runtime.apiUrl);
  const created = await api.post('/v1/contacts', {
    name: 'Ana Souza',
    language: 'pt-BR',
    // the third number keeps the national trunk 0 after the country code: saved, but refused when tried
    channels: [
      { type: 'sms', address: '+5511987654321' },
      { type: 'telegram' },
      { type: 'voice', address: '+4407700900123' },
    ],
  });
  expect(created.status).toBe(201);
  contactId = ((await created.json()) as { id: string }).id;
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

describe('alarm delivery pages', () => {
  it(
    "shows each escalation chain on the alarm's page: who was paged, how, and its delivery",
    async () => {
      const { escalationPolicies: policies } = await api.get<{ escalationPolicies: { id: string }[] }>(
        '/v1/escalation-policies',
      );
      const { tags } = await api.get<{ tags: { id: string; key: string }[] }>('/v1/tags');
      const rule = await api.post('/v1/alarm-rules', {
        kind: 'comparison',
        tagId: tags.find((tag) => tag.key === 'inflow')?.id,
        name: 'Inflow chain test',
        severity: 'high',
        op: '>',
        value: -1000,
        escalationPolicyId: policies[0]?.id,
      });
      const ruleId = ((await rule.json()) as { id: string }).id;
      await expect
        .poll(
          async () =>
            (await api.get<{ chains: { pages: unknown[] }[] }>(`/v1/alarms/${ruleId}/escalations`)).chains[0]
              ?.pages.length ?? 0,
          { timeout: 60_000, interval: 500 },
        )
        .toBeGreaterThan(0);
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/alarms/${ruleId}`);
      const chains = page.getByRole('region', { name: 'Escalation chains' });
      await chains.getByText('Sam Ortiz (shift operator)').first().waitFor();
      await chains.getByText(/Start delivered · 1 attempt/).waitFor();
      expect(await chains.locator('td').filter({ hasText: 'SMS' }).count()).toBeGreaterThan(0);
      await checkBasics(page, 'alarm-escalations');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    "tries a contact's channels: the result beside a test send, a refused number's reason beside it, Telegram linked first; in the contact's language",
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/config/contacts/${contactId}`);
      await page.getByText('Pages go out in Português.').waitFor();
      const sms = page.locator('[data-channel="0"]');
      await sms.getByRole('button', { name: 'Send a test SMS to +5511987654321' }).click();
      await sms
        .getByRole('status')
        .filter({ hasText: /^Sent: Sent \(kept in the outbox\)\.$/ })
        .waitFor();
      // 422 from the API, said beside the channel that caused it.
      const voice = page.locator('[data-channel="2"]');
      await voice.getByRole('button', { name: 'Send a test Voice call to +4407700900123' }).click();
      await voice
        .getByRole('status')
        .filter({ hasText: /^It could not be sent: .*0/ })
        .waitFor();
      expect(await page.locator('[data-channel="0"] [role="status"]').count()).toBe(1);
      // A Telegram channel not linked has nothing to test yet; linking needs the tenant's bot.
      const telegram = page.locator('[data-channel="1"]');
      expect(await telegram.getByRole('button', { name: /^Send a test/ }).count()).toBe(0);
      await telegram.getByText('not linked yet').waitFor();
      await telegram.getByRole('button', { name: 'Link Telegram' }).click();
      await telegram
        .getByRole('status')
        .filter({ hasText: /Telegram bot/ })
        .waitFor();
      await checkBasics(page, 'contact-channels');

      // The test is in the outbox, in Portuguese, marked as a test; the filters find it.
      await page.goto(`${e2e.web.url}/outbox?purpose=test&contactId=${contactId}`);
      const row = page.locator('tr[data-purpose="test"]').first();
      await row.getByText('Test', { exact: true }).waitFor();
      expect(await page.locator('tr[data-purpose]:not([data-purpose="test"])').count()).toBe(0);
      await checkBasics(page, 'outbox-tests');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    "previews when a policy's pages go out with a repeat backoff, and saves it",
    async () => {
      const { escalationPolicies } = await api.get<{ escalationPolicies: { id: string }[] }>(
        '/v1/escalation-policies',
      );
      const policyId = escalationPolicies[0]?.id ?? '';
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/config/policies/${policyId}`);
      await page.getByLabel('Repeat', { exact: true }).fill('2');
      await page.getByLabel(/^Factor/).fill('2');
      await page.getByLabel('Longest wait, minutes').fill('60');
      const preview = page.locator('.backoff-preview');
      await preview.getByText(/^Repeat 2: /).waitFor();
      await checkBasics(page, 'policy-backoff');
      await page.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(
          async () =>
            (await api.get<{ repeatBackoff: unknown }>(`/v1/escalation-policies/${policyId}`)).repeatBackoff,
        )
        .toEqual({ factor: 2, maxDelayMinutes: 60 });
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'keeps the WhatsApp sender and flood window in the notification settings, with the Telegram bot state',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/settings/notifications`);
      await page.getByLabel('Flood window, seconds').fill('45');
      await page.getByLabel('WhatsApp sender number').fill('+14155238886');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Notification settings saved.').waitFor();
      const saved = await api.get<{ floodWindowSeconds: number; twilioWhatsAppFromNumber: string }>(
        '/v1/settings/notifications',
      );
      expect(saved).toMatchObject({ floodWindowSeconds: 45, twilioWhatsAppFromNumber: '+14155238886' });
      await page.getByText('Telegram bot token: not set').waitFor();
      await checkBasics(page, 'settings-notifications-delivery');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'sets the canary, sends one now, and acknowledges it here',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/settings/canary`);
      await page.getByLabel('Send the canary').check();
      await page.getByLabel('Who gets it').selectOption({ label: 'Ana Souza' });
      await page.getByLabel('At (24-hour)').fill('08:00');
      await page.getByRole('button', { name: 'Save canary' }).click();
      await page.getByText(/^Next canary: /).waitFor();
      await page.getByRole('button', { name: 'Send a canary now' }).click();
      const run = page.locator('tr[data-canary-status="sent"], tr[data-canary-status="pending"]').first();
      await run.waitFor({ timeout: 30_000 });
      await checkBasics(page, 'canary');
      await run.getByRole('button', { name: 'Acknowledge' }).click();
      await page.locator('tr[data-canary-status="acknowledged"]').first().waitFor({ timeout: 30_000 });
      await context.close();
    },
    E2E_TEST_MS,
  );

  it('logged no console errors', () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
