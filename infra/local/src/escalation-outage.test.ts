// A provider outage on the local runtime: the SMTP server (smtp-server on 127.0.0.1, a port chosen at
// run time, SMTP_URL pointing at it) refuses every connection with 421 for a while, then accepts. The
// chain falls over to a contact's next channel where there is one (Bob: e-mail, then SMS), records
// each failure, pages the person it could not reach (Alice: e-mail only) again with backoff and as
// soon as the server is back, once; no execution is left running and no step sends twice.
import type { AddressInfo } from 'node:net';
import { createAlarmEvaluator } from '@plantwatch/functions/alarms/evaluator';
import { resolveForAlarms } from '@plantwatch/functions/alarms/testing';
import { systemClock } from '@plantwatch/functions/platform/clock';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalEnv } from './env.ts';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { addPlantOverApi, liftStation, tagIdOf } from './testing/plant.ts';

interface OutboxRow {
  channel: string;
  recipient: string;
  status: string;
  error: string | null;
  attempts: number;
  idempotencyKey: string;
  sentAt: string | null;
}

describe('an SMTP outage during an escalation', () => {
  let smtp: SMTPServer;
  let api: TestApi;
  let accepting = false;
  /** When each connection came, and whether it was refused. */
  const connections: { at: number; refused: boolean }[] = [];
  const delivered: { to: string[]; at: number }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onConnect(_session, callback) {
        connections.push({ at: Date.now(), refused: !accepting });
        if (accepting) return callback();
        // what a mail provider says while it is down: try again later
        return callback(
          Object.assign(new Error('Service not available, closing channel'), { responseCode: 421 }),
        );
      },
      onData(stream, session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          delivered.push({ to: session.envelope.rcptTo.map((r) => r.address), at: Date.now() });
          callback();
        });
      },
    });
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
    const port = (smtp.server.address() as AddressInfo).port;
    api = await startTestApi({
      env: parseLocalEnv({
        API_PORT: '0',
        MQTT_PORT: '0',
        DATA_DIR: '/nonexistent-unused',
        SERVICE_CANARY_MINUTES: '0',
        SMTP_URL: `smtp://127.0.0.1:${port}`,
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await new Promise<void>((done) => smtp?.close(() => done()));
  });

  it('falls over, records each failure, retries with backoff and pages as soon as the server is back, once', {
    timeout: 180_000,
  }, async () => {
    const owner = await api.signUp('outage');
    const { token, tenantId } = owner;
    const post = async (path: string, body: unknown) => {
      const res = await api.call('POST', path, { token, body });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const plant = await addPlantOverApi(api, token, liftStation);
    const alice = await post('/v1/contacts', {
      name: 'Alice',
      channels: [{ type: 'email', address: 'alice@example.com' }],
    });
    const bob = await post('/v1/contacts', {
      name: 'Bob',
      channels: [
        { type: 'email', address: 'bob@example.com' },
        { type: 'sms', address: '+447700900202' },
      ],
    });
    const policy = await post('/v1/escalation-policies', {
      name: 'Day shift',
      levels: [
        {
          delayMinutes: 0,
          targets: [
            { type: 'contact', contactId: alice.id },
            { type: 'contact', contactId: bob.id },
          ],
        },
      ],
    });
    const rule = await post('/v1/alarm-rules', {
      kind: 'limit',
      tagId: tagIdOf(plant, 'level'),
      name: 'Wet well',
      levels: [{ level: 'hi', threshold: 4, severity: 'high' }],
      escalationPolicyId: policy.id,
    });

    // the alarm is raised as ingest raises it: evaluated, recorded with its intent, delivered after commit
    const evaluator = createAlarmEvaluator({
      store: api.runtime.store,
      ids: api.runtime.deps.ids,
      clock: systemClock,
      dispatcher: api.runtime.deps.dispatcher,
    });
    const ts = Date.now() - 2_000;
    for (const [offset, value] of [
      [0, 3],
      [1_000, 4.6],
    ] as const) {
      await evaluator.evaluate({
        tenantId,
        siteId: plant.siteId,
        gatewayId: plant.gatewayId,
        points: await resolveForAlarms(api.runtime.store, [
          {
            tenantId,
            siteId: plant.siteId,
            gatewayId: plant.gatewayId,
            deviceKey: 'plc-1',
            tagKey: 'level',
            ts: ts + offset,
            value,
            quality: 'good',
          },
        ]),
      });
    }
    const outbox = async (): Promise<OutboxRow[]> =>
      (await api.call('GET', '/v1/outbox?limit=100', { token })).body.notifications;
    const rowOf = (rows: OutboxRow[], channel: string, recipient: string) =>
      rows.find((row) => row.channel === channel && row.recipient === recipient);

    // Bob falls over to SMS at once; Alice has nothing else, and is tried again with backoff
    const refusedThrice = await until(
      'Alice refused three times',
      async () => {
        const rows = await outbox();
        const row = rowOf(rows, 'email', 'alice@example.com');
        return row && row.attempts >= 3 && row.status === 'failed' ? rows : undefined;
      },
      60_000,
      200,
    );
    expect(rowOf(refusedThrice, 'email', 'bob@example.com')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rowOf(refusedThrice, 'email', 'bob@example.com')?.error).toContain('421');
    expect(rowOf(refusedThrice, 'sms', '+447700900202')).toMatchObject({ status: 'sent', attempts: 1 });
    const aliceRow = rowOf(refusedThrice, 'email', 'alice@example.com');
    expect(aliceRow?.status).toBe('failed');
    expect(aliceRow?.error).toContain('421');
    // the chain's record says who was not reached and when it tries again
    const whileDown = await api.call('GET', `/v1/alarms/${rule.id}/escalations`, { token });
    expect(whileDown.body.chains[0].run).toMatchObject({ status: 'running' });
    expect(whileDown.body.chains[0].run.reason).toMatch(
      /level 1: 1 of 2 recipients not reached .*paged again in \d+ s/,
    );
    // with backoff: each pause longer than the one before (5 s, then 10 s)
    const aliceTries = connections.filter((c) => c.refused).map((c) => c.at);
    const gaps = aliceTries.slice(2).map((at, i) => at - (aliceTries[i + 1] ?? at));
    expect(gaps[0]).toBeGreaterThanOrEqual(4_000);
    expect(gaps[1]).toBeGreaterThan((gaps[0] ?? 0) + 2_000);

    // the provider is back: Alice gets her page within one backoff step (at most 30 s)
    accepting = true;
    const backAt = Date.now();
    const reached = await until(
      'the page delivered',
      async () => (delivered.length > 0 ? delivered : undefined),
      45_000,
      100,
    );
    expect(reached.map((mail) => mail.to)).toEqual([['alice@example.com']]);
    expect((reached[0]?.at ?? 0) - backAt).toBeLessThan(32_000);

    const finished = await until(
      'the chain finished',
      async () => {
        const history = await api.call('GET', `/v1/alarms/${rule.id}/escalations`, { token });
        const chain = history.body.chains[0];
        return chain?.run?.status === 'finished' && api.runtime.escalation.active().length === 0
          ? chain
          : undefined;
      },
      15_000,
      100,
    );
    expect(finished.run.reason).toMatch(/^reached on retry \d+/);
    const rows = await outbox();
    // one row per person and channel of the step: each failure counted on it, nothing sent twice
    expect(new Set(rows.map((row) => row.idempotencyKey)).size).toBe(rows.length);
    expect(rows.map((row) => [row.channel, row.recipient, row.status]).sort()).toEqual([
      ['email', 'alice@example.com', 'sent'],
      ['email', 'bob@example.com', 'failed'],
      ['sms', '+447700900202', 'sent'],
    ]);
    // every refused connection but Bob's one was Alice's; her row counts them and the one that went through
    const aliceRefused = connections.filter((c) => c.refused).length - 1;
    expect(rowOf(rows, 'email', 'alice@example.com')?.attempts).toBe(aliceRefused + 1);
    // nothing more goes out afterwards (Bob was reached by SMS, and is not e-mailed now)
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(delivered).toHaveLength(1);

    const text = await (await fetch(`${api.runtime.apiUrl}/metrics`)).text();
    expect(text).toContain('plantwatch_raise_to_first_page_seconds_count 1');
    expect(text).toMatch(/plantwatch_page_failures_total\{channel="email"\} ([4-9]|\d\d)/);
  });
});
