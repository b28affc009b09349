// The local runtime's housekeeping: wired to the config store, run on demand (and hourly on its timer).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('local runtime housekeeping', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);
  afterAll(() => api.close());

  it('deletes a session that expired over a week ago and keeps the signed-in one working', async () => {
    const owner = await api.signUp('housekeeping');
    const stale = randomUUID();
    await api.runtime.store.inTenant(owner.tenantId, (repos) =>
      repos.sessions.create({
        id: randomUUID(),
        userId: owner.userId,
        tokenHash: stale,
        expiresAt: new Date(Date.now() - 8 * 24 * 3_600_000),
      }),
    );

    const summary = await api.runtime.housekeeping.runNow();

    expect(summary).toMatchObject({ failedTenants: 0 });
    expect(summary.sessionsDeleted).toBeGreaterThanOrEqual(1);
    expect(await api.runtime.store.findSessionByTokenHash(stale)).toBeNull();
    expect((await api.call('GET', '/v1/me', { token: owner.token })).status).toBe(200);
  });
});
