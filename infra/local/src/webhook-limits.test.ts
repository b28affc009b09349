// Rate limits on the inbound webhooks and acknowledgement links: forged posts from one address get a
// few 403s and then 429 with Retry-After, without holding back another address; a tenant's webhooks
// as a whole are limited too. Addresses are told as the web app (a trusted proxy) tells them.
import { randomUUID } from 'node:crypto';
import { twilioSignature } from '@plantwatch/functions/notify/adapters/twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('inbound webhook rate limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      accounts: {
        limits: {
          inbound_refused_ip: { points: 5, durationSeconds: 600 },
          inbound_tenant: { points: 30, durationSeconds: 60 },
        },
      },
    });
  });
  afterAll(async () => {
    await api.close();
  });

  const from = (ip: string) => ({
    'x-plantwatch-proxy-secret': api.runtime.webProxySecret,
    'x-plantwatch-client-ip': ip,
  });
  const form = { From: '+447700900123', To: '+447700900999', Body: 'ok', MessageSid: `SM${'b'.repeat(32)}` };
  const post = (tenantId: string, ip: string, signature: string) =>
    api.call('POST', `/v1/webhooks/twilio/${tenantId}/sms`, {
      headers: {
        ...from(ip),
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      },
      rawBody: new URLSearchParams(form).toString(),
    });

  it('answers forged Twilio posts from one address with 403, then 429 with Retry-After', async () => {
    const owner = await api.signUp('forged');
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 20; i += 1) {
      const res = await post(owner.tenantId, '203.0.113.80', 'forged-signature');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = Number(res.headers.get('retry-after'));
    }
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    expect(statuses.slice(5)).toEqual(Array(15).fill(429));
    expect(retryAfter).toBeGreaterThan(500);
    // another address is not held back by that one
    expect((await post(owner.tenantId, '203.0.113.81', 'forged-signature')).status).toBe(403);
    // forged acknowledgement links count the same way
    for (let i = 0; i < 5; i += 1) {
      await api.call('GET', `/v1/ack/${randomUUID()}.${'x'.repeat(43)}`, { headers: from('203.0.113.82') });
    }
    const held = await api.call('GET', `/v1/ack/${randomUUID()}.${'x'.repeat(43)}`, {
      headers: from('203.0.113.82'),
    });
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it("limits one tenant's webhooks as a whole, whatever the address, and not another tenant's", async () => {
    const busy = await api.signUp('busy');
    const quiet = await api.signUp('quiet');
    const token = 'busy-tenant-twilio-auth-token-01';
    const settings = await api.call('PUT', '/v1/settings/notifications', {
      token: busy.token,
      body: {
        smsProvider: 'twilio',
        twilioAccountSid: `AC${'0123456789abcdef'.repeat(2)}`,
        twilioFromNumber: '+447700900999',
        twilioAuthToken: token,
      },
    });
    expect(settings.status).toBe(200);
    const url = `${api.runtime.apiUrl}/v1/webhooks/twilio/${busy.tenantId}/sms`;
    // signed as Twilio signs, with the tenant's auth token
    const signature = twilioSignature(token, url, Object.entries(form));
    const statuses: number[] = [];
    for (let i = 0; i < 32; i += 1)
      statuses.push((await post(busy.tenantId, `198.51.100.${i}`, signature)).status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
    expect(statuses.slice(30)).toEqual([429, 429]);
    // the quiet tenant's webhook still answers (a bad signature: 403, not 429)
    expect((await post(quiet.tenantId, '198.51.100.200', 'forged')).status).toBe(403);
  });
});
