// The service canary on the local runtime: a synthetic alarm through the real path (evaluator, unit of
// work, intent, dispatcher, escalation runner, notifier) lands in its system tenant's outbox, and
// /v1/health and /metrics say so; with the escalation runner down, the next trip finds no page and
// health turns degraded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';

describe('the service canary', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ serviceCanary: { everyMs: 1_000, pageWithinMs: 3_000 } });
  }, 60_000);

  afterAll(async () => {
    await api.close();
  });

  const canaryCheck = async () => {
    const res = await api.call('GET', '/v1/health');
    return res.body.checks.find((check: { name: string }) => check.name === 'service-canary');
  };
  const metrics = async () => (await fetch(`${api.runtime.apiUrl}/metrics`)).text();

  it('pages its synthetic alarm, and turns health degraded once paging is down', {
    timeout: 90_000,
  }, async () => {
    const paged = await until(
      'a synthetic alarm paged',
      async () => {
        const check = await canaryCheck();
        return check?.status === 'ok' && /paged [\d.]+ s after its raise/.test(check.detail)
          ? check
          : undefined;
      },
      30_000,
      250,
    );
    expect(paged.detail).toMatch(/the last synthetic alarm was paged/);
    await until(
      'the page time counted',
      async () =>
        /plantwatch_service_canary_page_seconds_count [1-9]/.test(await metrics()) ? true : undefined,
      15_000,
      250,
    );

    // The escalation runner stops taking chains: raises are recorded, nobody is paged.
    await api.runtime.escalation.close();
    const degraded = await until(
      'health degraded',
      async () => {
        const res = await api.call('GET', '/v1/health');
        return res.body.status === 'degraded' ? res.body : undefined;
      },
      30_000,
      250,
    );
    expect(degraded.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'service-canary',
          status: 'degraded',
          detail: expect.stringContaining('no page in the message log 3 s after the raise'),
        }),
      ]),
    );
    await until(
      'the failure counted',
      async () => (/plantwatch_service_canary_failures_total [1-9]/.test(await metrics()) ? true : undefined),
      15_000,
      250,
    );
  });
});
