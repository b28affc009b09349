// Retention settings through the API: defaults capped by the plan, zod naming the field, a setting
// over the plan's maximum refused with 422 naming it, and each tenant seeing only its own settings
// and deletions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('retention settings API', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);

  afterAll(async () => {
    await api.close();
  });

  it('keeps defaults within the plan, refuses bad input by field, and keeps tenants apart', async () => {
    const a = await api.signUp('retention-a');
    const b = await api.signUp('retention-b');

    const initial = await api.call('GET', '/v1/retention', { token: a.token });
    expect(initial.status).toBe(200);
    expect(initial.body.custom).toBe(false);
    const maxDays: number = initial.body.maxDays;
    for (const days of Object.values(initial.body.settings as Record<string, number>)) {
      expect(days).toBeLessThanOrEqual(maxDays);
    }

    const wanted = { ...initial.body.settings, rawPoints: 7, deadLetters: 2 };
    const zero = await api.call('PUT', '/v1/retention', {
      token: a.token,
      body: { ...wanted, messageLog: 0 },
    });
    expect(zero.status).toBe(400);
    expect(zero.body.error.details).toEqual([
      expect.objectContaining({ path: 'body.messageLog', message: 'must be at least 1 day' }),
    ]);
    const missing = await api.call('PUT', '/v1/retention', { token: a.token, body: { rawPoints: 7 } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('body.rollupsMinute');
    const over = await api.call('PUT', '/v1/retention', {
      token: a.token,
      body: { ...wanted, alarmJournal: maxDays + 1 },
    });
    expect(over.status).toBe(422);
    expect(over.body.error.message).toContain(`body.alarmJournal: the`);
    expect(over.body.error.message).toContain(`at most ${maxDays} days`);

    const saved = await api.call('PUT', '/v1/retention', { token: a.token, body: wanted });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ custom: true, settings: wanted });
    expect((await api.call('GET', '/v1/retention', { token: a.token })).body.settings).toEqual(wanted);

    // The other tenant: its own defaults, no deletions, and no way to A's settings.
    const other = await api.call('GET', '/v1/retention', { token: b.token });
    expect(other.body).toMatchObject({ custom: false, settings: initial.body.settings });
    const deletions = await api.call('GET', '/v1/retention/deletions', { token: b.token });
    expect(deletions).toMatchObject({ status: 200, body: { items: [] } });
    expect((await api.call('GET', '/v1/retention')).status).toBe(401);
  });
});
