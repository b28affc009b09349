// The escalation ASL run by aws-local-stepfunctions over the real step handlers, with an in-memory
// world and notifier: the same definition and handlers the local runtime and Step Functions use.
import {
  escalationStateMachineDefinition,
  escalationStateNames,
  escalationTaskOfState,
  escalationTasks,
} from '@plantwatch/shared';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../notify/ports.ts';
import type { Metrics } from '../platform/metrics.ts';
import { advance, escalationStepHandlers, prepareStep, snapshotPolicy } from './steps.ts';
import {
  ALICE,
  anAlarm,
  aPlace,
  aPolicy,
  BOB,
  chainInput,
  FakeNotifier,
  FakeWorld,
  POLICY,
  TENANT,
} from './testing.ts';

type Json = Parameters<StateMachine['run']>[0];
const clock = { now: () => new Date('2026-11-22T03:10:00.000Z') };

async function runChain(
  world: FakeWorld,
  notifier: FakeNotifier,
  chainClock: { now(): Date } = clock,
  metrics?: Metrics,
) {
  const resources = Object.fromEntries(
    escalationTasks.map((task) => [task, `arn:aws:lambda:us-east-1:000000000000:function:${task}`]),
  ) as Record<(typeof escalationTasks)[number], string>;
  const machine = new StateMachine(
    escalationStateMachineDefinition(resources) as unknown as StateMachineDefinition,
  );
  const handlers = escalationStepHandlers({ world, notifier, clock: chainClock, metrics });
  const execution = machine.run(chainInput as unknown as Json, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        Object.entries(escalationTaskOfState).map(([state, task]) => [
          state,
          async (input: Json) => (await handlers[task](input)) as Json,
        ]),
      ),
      waitTimeOverrides: { [escalationStateNames.wait]: 5, [escalationStateNames.retryWait]: 2 },
      retryIntervalOverrides: Object.fromEntries(
        Object.keys(escalationTaskOfState).map((state) => [state, 1]),
      ),
    },
  });
  const outcome = await execution.result.then(
    () => 'succeeded' as const,
    () => 'failed' as const,
  );
  return { outcome, run: world.runs.get(chainInput.executionName) };
}

/** A clock that moves on `stepMs` each time it is read. */
function movingClock(stepMs: number) {
  let at = clock.now().getTime();
  return {
    now: () => {
      at += stepMs;
      return new Date(at);
    },
  };
}

const paged = (notifier: FakeNotifier) =>
  notifier.sent.map((m: NotificationMessage) => `${m.channel}:${m.to}`);

describe('escalation chain', () => {
  it('pages level one, then level two after its delay, then finishes', async () => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    const { outcome, run } = await runChain(world, notifier);
    expect(outcome).toBe('succeeded');
    expect(paged(notifier)).toEqual(['sms:+447700900001', 'sms:+447700900002']);
    expect(notifier.sent.map((m) => m.idempotencyKey)).toEqual([
      `${chainInput.executionName}:r0:l0:${ALICE}:0-sms`,
      `${chainInput.executionName}:r0:l1:${BOB}:0-sms`,
    ]);
    expect(notifier.sent[0]?.body).toContain('Wet well level HiHi');
    expect(run).toMatchObject({ status: 'finished', round: 0, level: 1 });
  });

  it.each([
    ['active-acked', {}, 'acknowledged'],
    ['normal', {}, 'back to normal and acknowledged'],
    ['active-unacked', { shelved: true }, 'shelved'],
  ] as const)('stops before level two once the alarm is %s %o', async (state, flags, reason) => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    world.onAlarmLookup = () => {
      if (notifier.sent.length > 0)
        world.alarmLookup = { found: 'alarm', alarm: anAlarm({ state, ...flags }), place: aPlace() };
    };
    const { outcome, run } = await runChain(world, notifier);
    expect(outcome).toBe('succeeded');
    expect(paged(notifier)).toEqual(['sms:+447700900001']);
    expect(run).toMatchObject({ status: 'stopped', reason });
  });

  it('keeps paging a returned-to-normal alarm that nobody acknowledged', async () => {
    const world = new FakeWorld();
    world.alarmLookup = { found: 'alarm', alarm: anAlarm({ state: 'cleared-unacked' }), place: aPlace() };
    const notifier = new FakeNotifier();
    expect((await runChain(world, notifier)).run?.status).toBe('finished');
    expect(paged(notifier)).toHaveLength(2);
  });

  it("falls over to the contact's next channel when the provider refuses", async () => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    notifier.failing.add('+447700900001');
    await runChain(world, notifier);
    expect(paged(notifier)).toEqual(['email:alice@example.com', 'sms:+447700900002']);
    expect(notifier.sent[0]?.subject).toContain('CRITICAL');
  });

  it('never sends twice when a retried notify task repeats a level', async () => {
    const world = new FakeWorld();
    world.policies.set(
      POLICY,
      aPolicy({
        levels: [
          {
            delayMinutes: 0,
            targets: [
              { type: 'contact', contactId: ALICE },
              { type: 'contact', contactId: BOB },
            ],
          },
        ],
      }),
    );
    const notifier = new FakeNotifier();
    notifier.failing.add('+447700900002');
    const original = notifier.send.bind(notifier);
    let bobAttempts = 0;
    notifier.send = async (message) => {
      if (message.to === '+447700900002' && ++bobAttempts === 3) notifier.failing.clear();
      return original(message);
    };
    const { run } = await runChain(world, notifier);
    expect(bobAttempts).toBe(3);
    // Alice was sent on every attempt of the task, but her key made the repeats no-ops
    expect(notifier.attempts).toBeGreaterThan(notifier.sent.length);
    expect(paged(notifier)).toEqual(['sms:+447700900001', 'sms:+447700900002']);
    expect(run?.status).toBe('finished');
  });

  it('pages a person once even when a retry finds their failed first channel working again', async () => {
    const world = new FakeWorld();
    world.policies.set(
      POLICY,
      aPolicy({
        levels: [
          {
            delayMinutes: 0,
            targets: [
              { type: 'contact', contactId: ALICE },
              { type: 'contact', contactId: BOB },
            ],
          },
        ],
      }),
    );
    const notifier = new FakeNotifier();
    world.notifier = notifier;
    // Alice's SMS and Bob's only channel fail on the first attempt; both work on the retry
    notifier.failing.add('+447700900001');
    notifier.failing.add('+447700900002');
    const original = notifier.send.bind(notifier);
    let attempt = 0;
    notifier.send = async (message) => {
      if (message.to === '+447700900002' && ++attempt === 2) notifier.failing.clear();
      return original(message);
    };
    await runChain(world, notifier);
    // Alice got her e-mail the first time and no SMS on the retry; Bob got his SMS on the retry
    expect(paged(notifier)).toEqual(['email:alice@example.com', 'sms:+447700900002']);
  });

  it('records a level nobody could take, still pages the next level, and gives up on it when the retry window closes', async () => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    notifier.failing.add('+447700900001');
    notifier.failing.add('alice@example.com');
    // a clock that moves on a minute with every look, so the hour of retries passes in a few dozen
    const { outcome, run } = await runChain(world, notifier, movingClock(60_000));
    expect(outcome).toBe('succeeded');
    expect(paged(notifier)).toEqual(['sms:+447700900002']);
    expect(run?.status).toBe('finished');
    expect(run?.reason).toMatch(
      /level 1: 1 of 1 recipients not reached .*gave up after \d+ retries over 60 min/,
    );
    // Alice was tried again, each time on both channels
    expect(notifier.tried.filter((m) => m.to === '+447700900001').length).toBeGreaterThan(2);
  });

  it('pages an unreached person again with backoff as soon as the provider takes it, once, before the next level', async () => {
    const world = new FakeWorld();
    world.notifier = new FakeNotifier();
    const notifier = world.notifier;
    notifier.failing.add('+447700900001');
    notifier.failing.add('alice@example.com');
    const original = notifier.send.bind(notifier);
    let aliceAttempts = 0;
    notifier.send = async (message) => {
      // the provider is back on the fourth attempt (the first page and three retries)
      if (message.to === '+447700900001' && ++aliceAttempts === 4) notifier.failing.clear();
      return original(message);
    };
    const { run } = await runChain(world, notifier);
    expect(aliceAttempts).toBe(4);
    expect(paged(notifier)).toEqual(['sms:+447700900001', 'sms:+447700900002']);
    expect(notifier.sent.map((m) => m.idempotencyKey.split(':').slice(1, 3).join(':'))).toEqual([
      'r0:l0',
      'r0:l1',
    ]);
    // e-mail was tried as the fallback each time SMS failed, never after Alice was reached
    expect(notifier.tried.filter((m) => m.to === 'alice@example.com')).toHaveLength(3);
    expect(run).toMatchObject({ status: 'finished', level: 1, reason: null });
  });

  it('stops paging an unreached person again once the alarm is acknowledged', async () => {
    const world = new FakeWorld();
    world.policies.set(
      POLICY,
      aPolicy({ levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: ALICE }] }] }),
    );
    const notifier = new FakeNotifier();
    notifier.failing.add('+447700900001');
    notifier.failing.add('alice@example.com');
    world.onAlarmLookup = () => {
      if (notifier.tried.length >= 6) {
        world.alarmLookup = { found: 'alarm', alarm: anAlarm({ state: 'active-acked' }), place: aPlace() };
      }
    };
    const { outcome, run } = await runChain(world, notifier);
    expect(outcome).toBe('succeeded');
    expect(run).toMatchObject({ status: 'stopped', reason: 'acknowledged' });
    expect(notifier.sent).toEqual([]);
    expect(notifier.tried).toHaveLength(6);
  });

  it('does not page again a person whose provider refused for good (a number that does not exist)', async () => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    notifier.refusing.add('+447700900001');
    notifier.refusing.add('alice@example.com');
    const { run } = await runChain(world, notifier);
    expect(notifier.tried.map((m) => m.to)).toEqual(['+447700900001', 'alice@example.com', '+447700900002']);
    expect(run?.status).toBe('finished');
  });

  it('repeats the whole chain as many times as the policy says', async () => {
    const world = new FakeWorld();
    world.policies.set(POLICY, aPolicy({ repeat: 2 }));
    const notifier = new FakeNotifier();
    const { run } = await runChain(world, notifier);
    expect(notifier.sent.map((m) => m.idempotencyKey.split(':').slice(1, 3).join(':'))).toEqual([
      'r0:l0',
      'r0:l1',
      'r1:l0',
      'r1:l1',
      'r2:l0',
      'r2:l1',
    ]);
    expect(run).toMatchObject({ status: 'finished', round: 2, level: 1 });
  });

  it('fails clearly, recorded in the table, when the policy no longer exists', async () => {
    const world = new FakeWorld();
    world.policies.clear();
    const notifier = new FakeNotifier();
    const { outcome, run } = await runChain(world, notifier);
    expect(outcome).toBe('failed');
    expect(run?.status).toBe('failed');
    expect(run?.reason).toContain(`escalation policy ${POLICY} does not exist`);
    expect(notifier.sent).toEqual([]);
  });

  it('stops without paging when the alarm rule was deleted', async () => {
    const world = new FakeWorld();
    world.alarmLookup = { found: 'alarm-gone' };
    const notifier = new FakeNotifier();
    const { run } = await runChain(world, notifier);
    expect(run).toMatchObject({ status: 'stopped', reason: 'the alarm rule was deleted' });
    expect(notifier.sent).toEqual([]);
  });
});

describe('advance', () => {
  const policy = snapshotPolicy(aPolicy({ repeat: 1 }));
  it.each([
    [
      { round: 0, level: 0 },
      { round: 0, level: 1, waitSeconds: 60, done: false },
    ],
    // a repeat waits the first level's delay, or the last level's when the first has none
    [
      { round: 0, level: 1 },
      { round: 1, level: 0, waitSeconds: 60, done: false },
    ],
    [
      { round: 1, level: 1 },
      { round: 1, level: 1, waitSeconds: 0, done: true },
    ],
  ])('moves on from %o to %o', (from, to) => {
    expect(advance(policy, from)).toEqual(to);
  });

  it('spaces repeat rounds exponentially with a repeat backoff, never past its cap', () => {
    const backoff = snapshotPolicy(
      aPolicy({
        repeat: 4,
        repeatBackoff: { factor: 2, maxDelayMinutes: 5 },
        levels: [
          { delayMinutes: 0, targets: [{ type: 'contact', contactId: ALICE }] },
          { delayMinutes: 1, targets: [{ type: 'contact', contactId: BOB }] },
        ],
      }),
    );
    const waits: number[] = [];
    let cursor = { round: 0, level: 0, waitSeconds: 0, done: false };
    while (!cursor.done) {
      cursor = advance(backoff, cursor);
      if (!cursor.done) waits.push(cursor.waitSeconds);
    }
    // level two after 1 min; each round starts after the last level's delay (the first has none),
    // doubled per round: 2, 4, then the 5-minute cap
    expect(waits).toEqual([60, 120, 120, 240, 240, 300, 300, 300, 300]);
  });

  it('leaves a delay already longer than the cap as it is, and round one unscaled without a backoff', () => {
    const long = snapshotPolicy(
      aPolicy({
        repeat: 1,
        repeatBackoff: { factor: 3, maxDelayMinutes: 1 },
        levels: [{ delayMinutes: 10, targets: [{ type: 'contact', contactId: ALICE }] }],
      }),
    );
    expect(advance(long, { round: 0, level: 0 }).waitSeconds).toBe(600);
    expect(advance(snapshotPolicy(aPolicy({ repeat: 2 })), { round: 1, level: 1 }).waitSeconds).toBe(60);
  });
});

describe('raise to first page', () => {
  const recording = () => {
    const observed: [string, number][] = [];
    const metrics: Metrics = {
      increment: () => undefined,
      observe: (name, value) => observed.push([name, value]),
      gauge: () => undefined,
    };
    return { observed, metrics };
  };

  it("times the chain's first page from the alarm's raise, once, not its later levels or rounds", async () => {
    const world = new FakeWorld();
    world.policies.set(POLICY, aPolicy({ repeat: 1 }));
    world.alarmLookup = {
      found: 'alarm',
      alarm: anAlarm({ activeSince: '2026-11-22T03:09:57.500Z' }),
      place: aPlace(),
    };
    const { observed, metrics } = recording();
    await runChain(world, new FakeNotifier(), clock, metrics);
    expect(observed).toEqual([['raise_to_first_page_seconds', 2.5]]);
  });

  it('times it when an unreached first person is reached on a retry, and not for a page held for a digest', async () => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    world.notifier = notifier;
    notifier.failing.add('+447700900001');
    notifier.failing.add('alice@example.com');
    const original = notifier.send.bind(notifier);
    notifier.send = async (message) => {
      if (notifier.tried.length === 4) notifier.failing.clear();
      return original(message);
    };
    const first = recording();
    await runChain(world, notifier, clock, first.metrics);
    expect(first.observed).toEqual([['raise_to_first_page_seconds', 0]]);

    const held = new FakeNotifier();
    held.hold = true;
    const second = recording();
    await runChain(new FakeWorld(), held, clock, second.metrics);
    expect(second.observed).toEqual([]);
  });
});

describe('the page itself', () => {
  it('names the site, device, tag, value with unit and the limit, and passes the site for the flood window', async () => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    await runChain(world, notifier);
    const [first] = notifier.sent;
    expect(first?.body).toBe(
      'CRITICAL alarm at North Pumping Station: Wet well level HiHi. PLC-1 Wet well level 4.2 m (limit HiHi 4 m). Since 03:10. Level 1. Reply OK to acknowledge.',
    );
    expect(first?.flood).toMatchObject({
      siteId: anAlarm().siteId,
      siteName: 'North Pumping Station',
      summary: 'CRITICAL Wet well level HiHi 4.2 m',
      fallbacks: [{ type: 'email', address: 'alice@example.com' }],
    });
  });

  it('counts a page held for a digest as delivered: the chain moves on and does not fall over', async () => {
    const world = new FakeWorld();
    const notifier = new FakeNotifier();
    notifier.hold = true;
    const { run } = await runChain(world, notifier);
    expect(paged(notifier)).toEqual(['sms:+447700900001', 'sms:+447700900002']);
    expect(run).toMatchObject({ status: 'finished', reason: null });
  });
});

describe('prepare step', () => {
  it('resumes after the last level notified, with what is left of the delay', async () => {
    const world = new FakeWorld();
    const run = await world.ensureRun(chainInput, new Date('2026-11-22T03:09:00.000Z'));
    Object.assign(run, { level: 0, round: 0, lastNotifiedAt: new Date('2026-11-22T03:09:40.000Z') });
    const state = await prepareStep({ world, notifier: new FakeNotifier(), clock }, chainInput);
    expect(state.cursor).toEqual({ round: 0, level: 1, waitSeconds: 40, done: false });
  });

  it('rejects input that is not a chain start without retrying', async () => {
    const world = new FakeWorld();
    await expect(
      prepareStep({ world, notifier: new FakeNotifier(), clock }, { tenantId: TENANT }),
    ).rejects.toMatchObject({ name: 'EscalationInputError' });
  });
});
