// Alarm delivery made visible: /v1/health says what it checked and turns `degraded` while an
// escalation intent was given up on; /metrics (Prometheus text on the API port) counts the intents
// and their deliveries.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';

describe('alarm delivery in health and metrics', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  }, 60_000);

  afterAll(async () => {
    await api.close();
  });

  const metricsText = async () => {
    const response = await fetch(`${api.runtime.apiUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };
  const metric = (text: string, name: string) => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  it('says what it checked, and turns degraded while a page was given up on', async () => {
    const healthy = await api.call('GET', '/v1/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body.status).toBe('ok');
    expect(healthy.body.checks).toEqual(
      expect.arrayContaining([
        { name: 'alarm-delivery', status: 'ok', detail: expect.stringContaining('0 given up on') },
      ]),
    );
    expect(metric(await metricsText(), 'plantwatch_escalation_intents_failed')).toBe(0);

    // An intent the dispatcher gave up on (Step Functions down for over an hour, say).
    const owner = await api.signUp('delivery');
    const intentId = randomUUID();
    const at = new Date();
    await api.runtime.store.inTenant(owner.tenantId, async (repos) => {
      await repos.escalationIntents.insert([
        {
          id: intentId,
          kind: 'start',
          ruleId: randomUUID(),
          alarmId: randomUUID(),
          alarmEventId: randomUUID(),
          policyId: randomUUID(),
          reason: null,
          at: new Date(at.getTime() + 3_600_000), // not due: the running dispatcher leaves it alone
        },
      ]);
      await repos.escalationIntents.markUndelivered(intentId, {
        at,
        error: 'state machine unreachable',
        retryAt: null,
      });
    });

    const degraded = await until(
      'health degraded',
      async () => {
        const res = await api.call('GET', '/v1/health');
        return res.body.status === 'degraded' ? res : undefined;
      },
      10_000,
      200,
    );
    expect(degraded.status).toBe(200);
    expect(degraded.body.checks).toEqual(
      expect.arrayContaining([
        { name: 'alarm-delivery', status: 'degraded', detail: expect.stringContaining('1 given up on') },
      ]),
    );
    const text = await metricsText();
    expect(metric(text, 'plantwatch_escalation_intents_failed')).toBe(1);
    expect(metric(text, 'plantwatch_escalation_intents_pending')).toBe(0);
    expect(text).toContain('# HELP plantwatch_pages_sent_total');
  });
});
