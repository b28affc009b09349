import {
  type AlarmRule,
  alarmEventSchema,
  alarmRuleSchema,
  type Quality,
  type TelemetryValue,
} from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import {
  AlarmOperationError,
  type AlarmRuleState,
  type AlarmSample,
  type AlarmTransition,
  acknowledge,
  addComment,
  alarmRuleStateSchema,
  evaluateSamples,
  initialAlarmRuleState,
  mostSevereActiveLevel,
  type OperatorAction,
  removeFromService,
  returnToService,
  setGatewayStatus,
  setSuppressed,
  shelve,
  tick,
  toAlarmEvent,
  unshelve,
} from './engine.ts';
import { applyGatewayStatus } from './gateway-status.ts';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const at = (seconds: number) => T0 + seconds * 1000;

const TENANT = '00000000-0000-4000-8000-000000000001';
const SITE = '00000000-0000-4000-8000-000000000002';
const TAG = '00000000-0000-4000-8000-000000000003';
const GATEWAY = '00000000-0000-4000-8000-000000000004';
const OTHER_GATEWAY = '00000000-0000-4000-8000-000000000005';
let nextRuleNumber = 100;

/** Rules go through the real schema, so a fixture the API would refuse cannot sneak in. */
function rule(spec: Record<string, unknown>): AlarmRule {
  nextRuleNumber += 1;
  return alarmRuleSchema.parse({
    id: `00000000-0000-4000-8000-000000000${nextRuleNumber}`,
    tenantId: TENANT,
    siteId: SITE,
    tagId: TAG,
    name: 'Boiler drum pressure',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    ...spec,
  });
}

const stack = [
  { level: 'hihi', threshold: 90, severity: 'critical' },
  { level: 'hi', threshold: 80, severity: 'high' },
  { level: 'lo', threshold: 20, severity: 'high' },
  { level: 'lolo', threshold: 10, severity: 'critical' },
];
const limitRule = (extra: Record<string, unknown> = {}) => rule({ kind: 'limit', levels: stack, ...extra });
const hiRule = (extra: Record<string, unknown> = {}) =>
  rule({ kind: 'limit', levels: [{ level: 'hi', threshold: 80, severity: 'high' }], ...extra });
const deviceCommLoss = (gatewayId = GATEWAY, extra: Record<string, unknown> = {}) =>
  rule({
    kind: 'commLoss',
    tagId: null,
    severity: 'high',
    afterSeconds: 30,
    scope: 'device',
    deviceId: '00000000-0000-4000-8000-000000000006',
    gatewayId,
    ...extra,
  });
const gatewayCommLoss = (extra: Record<string, unknown> = {}) =>
  rule({
    kind: 'commLoss',
    tagId: null,
    severity: 'critical',
    afterSeconds: 60,
    scope: 'gateway',
    deviceId: null,
    gatewayId: GATEWAY,
    ...extra,
  });

type SampleSpec = [seconds: number, value: TelemetryValue, quality?: Quality];
const samples = (specs: readonly SampleSpec[]): AlarmSample[] =>
  specs.map(([seconds, value, quality = 'good']) => ({ ts: at(seconds), value, quality }));

/** "raised hi @1s": what happened, to which level, when — the shape the tables expect. */
const summary = (transitions: readonly AlarmTransition[]) =>
  transitions.map(
    (transition) =>
      `${transition.kind}${transition.level === null ? '' : ` ${transition.level}`} @${(transition.at - T0) / 1000}s`,
  );

function feed(alarmRule: AlarmRule, specs: readonly SampleSpec[], state = initialAlarmRuleState(alarmRule)) {
  const result = evaluateSamples(alarmRule, state, samples(specs));
  return { state: result.state, events: summary(result.transitions), transitions: result.transitions };
}

const operator: OperatorAction = {
  at: at(0),
  by: { type: 'user', id: '00000000-0000-4000-8000-000000000007', name: 'Ana' },
  channel: 'web',
};
const by = (seconds: number, extra: Partial<OperatorAction> = {}): OperatorAction => ({
  ...operator,
  at: at(seconds),
  ...extra,
});

const shelving = (seconds: number, untilSeconds: number, extra: Partial<OperatorAction> = {}) => ({
  ...by(seconds, extra),
  until: at(untilSeconds),
});

const stateOf = (state: AlarmRuleState, key: 'alarm' | 'hihi' | 'hi' | 'lo' | 'lolo' = 'alarm') =>
  state.alarms[key]?.state;

describe('limit stacks', () => {
  it.each<{ name: string; deadband?: number; specs: SampleSpec[]; events: string[] }>([
    {
      name: 'stays normal inside the limits',
      specs: [
        [0, 50],
        [1, 79.9],
        [2, 20],
      ],
      events: [],
    },
    { name: 'stays normal exactly at the Hi threshold', specs: [[0, 80]], events: [] },
    {
      name: 'raises Hi above its threshold',
      specs: [
        [0, 50],
        [1, 85],
      ],
      events: ['raised hi @1s'],
    },
    {
      name: 'raises HiHi and Hi together when the value jumps past both',
      specs: [[0, 95]],
      events: ['raised hihi @0s', 'raised hi @0s'],
    },
    {
      name: 'raises Lo and then LoLo as the value falls',
      specs: [
        [0, 15],
        [1, 5],
      ],
      events: ['raised lo @0s', 'raised lolo @1s'],
    },
    {
      name: 'keeps the alarm active inside the deadband',
      deadband: 5,
      specs: [
        [0, 85],
        [1, 78],
        [2, 75.5],
      ],
      events: ['raised hi @0s'],
    },
    {
      name: 'clears once the value is back past the deadband',
      deadband: 5,
      specs: [
        [0, 85],
        [1, 78],
        [2, 75],
      ],
      events: ['raised hi @0s', 'cleared hi @2s'],
    },
    {
      name: 'keeps Lo active inside its deadband and clears beyond it',
      deadband: 5,
      specs: [
        [0, 15],
        [1, 24],
        [2, 25],
      ],
      events: ['raised lo @0s', 'cleared lo @2s'],
    },
    {
      name: 'moves from Hi to HiHi and back down level by level',
      deadband: 5,
      specs: [
        [0, 85],
        [1, 95],
        [2, 86],
        [3, 84],
        [4, 70],
      ],
      events: ['raised hi @0s', 'raised hihi @1s', 'cleared hihi @3s', 'cleared hi @4s'],
    },
    {
      name: 'clears the high levels and raises the low ones when the value drops across the range',
      specs: [
        [0, 95],
        [1, 5],
      ],
      events: [
        'raised hihi @0s',
        'raised hi @0s',
        'cleared hihi @1s',
        'cleared hi @1s',
        'raised lo @1s',
        'raised lolo @1s',
      ],
    },
    { name: 'ignores bad-quality samples', specs: [[0, 95, 'bad']], events: [] },
    {
      name: 'ignores values that are not numbers',
      specs: [
        [0, 'overrange'],
        [1, true],
      ],
      events: [],
    },
    { name: 'evaluates uncertain-quality samples', specs: [[0, 85, 'uncertain']], events: ['raised hi @0s'] },
  ])('$name', ({ deadband = 0, specs, events }) => {
    expect(feed(limitRule({ deadband }), specs).events).toEqual(events);
  });

  it.each<{ value: number; level: string | null }>([
    { value: 95, level: 'hihi' },
    { value: 85, level: 'hi' },
    { value: 50, level: null },
    { value: 15, level: 'lo' },
    { value: 5, level: 'lolo' },
  ])('reports $level as the most severe active level at $value', ({ value, level }) => {
    const alarmRule = limitRule();
    expect(mostSevereActiveLevel(alarmRule, feed(alarmRule, [[0, value]]).state)).toBe(level);
  });

  it('reports no level for a rule that is not a limit stack', () => {
    const badQuality = rule({ kind: 'badQuality', severity: 'low' });
    expect(mostSevereActiveLevel(badQuality, feed(badQuality, [[0, 1, 'bad']]).state)).toBeNull();
  });

  it('carries the value and the engine as the cause on a raise', () => {
    const [raised] = feed(hiRule(), [[3, 87.5]]).transitions;
    expect(raised).toEqual({
      ruleId: expect.any(String),
      key: 'hi',
      level: 'hi',
      kind: 'raised',
      from: 'normal',
      to: 'active-unacked',
      at: at(3),
      by: { type: 'system', name: 'alarm engine' },
      channel: 'system',
      value: 87.5,
    });
  });

  it('starts a level added to the rule after its state was saved as normal', () => {
    const before = hiRule();
    const after = rule({ id: before.id, kind: 'limit', levels: stack.slice(0, 2) });
    const { events, state } = feed(after, [[0, 95]], initialAlarmRuleState(before));
    expect(events).toEqual(['raised hihi @0s', 'raised hi @0s']);
    expect(stateOf(state, 'hihi')).toBe('active-unacked');
  });
});

describe('on-delay and off-delay', () => {
  it.each<{
    name: string;
    extra: Record<string, unknown>;
    specs: SampleSpec[];
    tickAt?: number;
    events: string[];
  }>([
    {
      name: 'waits for the on-delay before raising',
      extra: { onDelayMs: 10_000 },
      specs: [
        [0, 85],
        [5, 86],
        [10, 87],
      ],
      events: ['raised hi @10s'],
    },
    {
      name: 'does not raise when the condition drops before the on-delay has passed',
      extra: { onDelayMs: 10_000 },
      specs: [
        [0, 85],
        [9, 50],
        [10, 85],
        [19, 86],
      ],
      events: [],
    },
    {
      name: 'raises on the periodic check once the on-delay has passed without new data',
      extra: { onDelayMs: 10_000 },
      specs: [[0, 85]],
      tickAt: 30,
      events: ['raised hi @10s'],
    },
    {
      name: 'does not raise on the periodic check before the on-delay has passed',
      extra: { onDelayMs: 10_000 },
      specs: [[0, 85]],
      tickAt: 9.999,
      events: [],
    },
    {
      name: 'waits for the off-delay before clearing',
      extra: { offDelayMs: 10_000 },
      specs: [
        [0, 85],
        [1, 50],
        [5, 50],
        [11, 50],
      ],
      events: ['raised hi @0s', 'cleared hi @11s'],
    },
    {
      name: 'clears on the periodic check once the off-delay has passed',
      extra: { offDelayMs: 10_000 },
      specs: [
        [0, 85],
        [1, 50],
      ],
      tickAt: 60,
      events: ['raised hi @0s', 'cleared hi @11s'],
    },
    {
      name: 'stays active when the condition returns during the off-delay',
      extra: { offDelayMs: 10_000 },
      specs: [
        [0, 85],
        [1, 50],
        [5, 85],
        [20, 85],
      ],
      events: ['raised hi @0s'],
    },
    {
      name: 'does not clear and re-raise when the condition returns exactly as the off-delay ends',
      extra: { offDelayMs: 10_000 },
      specs: [
        [0, 85],
        [1, 50],
        [11, 85],
      ],
      events: ['raised hi @0s'],
    },
    {
      name: 'does not raise when the condition goes exactly as the on-delay ends',
      extra: { onDelayMs: 10_000 },
      specs: [
        [0, 85],
        [10, 50],
      ],
      events: [],
    },
    {
      name: 'restarts the off-delay when the value re-enters the deadband',
      extra: { offDelayMs: 10_000, deadband: 5 },
      specs: [
        [0, 85],
        [1, 70],
        [8, 77],
        [9, 70],
        [18, 70],
        [19, 70],
      ],
      events: ['raised hi @0s', 'cleared hi @19s'],
    },
    {
      name: 'applies both delays to a chattering signal and raises once',
      extra: { onDelayMs: 5_000, offDelayMs: 5_000 },
      specs: [
        [0, 85],
        [2, 70],
        [3, 85],
        [8, 85],
        [9, 70],
        [10, 85],
        [11, 70],
        [17, 70],
      ],
      events: ['raised hi @8s', 'cleared hi @16s'],
    },
  ])('$name', ({ extra, specs, tickAt, events }) => {
    const alarmRule = hiRule(extra);
    const fed = evaluateSamples(alarmRule, initialAlarmRuleState(alarmRule), samples(specs));
    const ticked = tickAt === undefined ? { transitions: [] } : tick(alarmRule, fed.state, at(tickAt));
    expect(summary([...fed.transitions, ...ticked.transitions])).toEqual(events);
  });
});

describe('comparison rules', () => {
  it.each<{ op: string; limit: TelemetryValue; value: TelemetryValue; raises: boolean }>([
    { op: '>', limit: 10, value: 10.5, raises: true },
    { op: '>', limit: 10, value: 10, raises: false },
    { op: '>=', limit: 10, value: 10, raises: true },
    { op: '>=', limit: 10, value: 9.9, raises: false },
    { op: '<', limit: 10, value: 9, raises: true },
    { op: '<', limit: 10, value: 10, raises: false },
    { op: '<=', limit: 10, value: 10, raises: true },
    { op: '<=', limit: 10, value: 10.1, raises: false },
    { op: '==', limit: 3, value: 3, raises: true },
    { op: '==', limit: 3, value: 4, raises: false },
    { op: '!=', limit: 3, value: 4, raises: true },
    { op: '!=', limit: 3, value: 3, raises: false },
    { op: '==', limit: 'FAULT', value: 'FAULT', raises: true },
    { op: '==', limit: 'FAULT', value: 'RUN', raises: false },
    { op: '!=', limit: true, value: false, raises: true },
    { op: '!=', limit: true, value: true, raises: false },
    { op: '==', limit: 'FAULT', value: 3, raises: false },
    { op: '!=', limit: 'FAULT', value: 3, raises: false },
  ])('$value $op $limit raises: $raises', ({ op, limit, value, raises }) => {
    const alarmRule = rule({ kind: 'comparison', severity: 'medium', op, value: limit });
    expect(feed(alarmRule, [[0, value]]).events).toEqual(raises ? ['raised @0s'] : []);
  });

  it.each<{ op: string; specs: SampleSpec[]; events: string[] }>([
    {
      op: '>',
      specs: [
        [0, 11],
        [1, 8.5],
        [2, 8],
      ],
      events: ['raised @0s', 'cleared @2s'],
    },
    {
      op: '>=',
      specs: [
        [0, 10],
        [1, 8],
        [2, 7.9],
      ],
      events: ['raised @0s', 'cleared @2s'],
    },
    {
      op: '<',
      specs: [
        [0, 9],
        [1, 11.5],
        [2, 12],
      ],
      events: ['raised @0s', 'cleared @2s'],
    },
    {
      op: '<=',
      specs: [
        [0, 10],
        [1, 12],
        [2, 12.1],
      ],
      events: ['raised @0s', 'cleared @2s'],
    },
  ])('keeps a $op comparison active inside the deadband and clears beyond it', ({ op, specs, events }) => {
    const alarmRule = rule({ kind: 'comparison', severity: 'medium', op, value: 10, deadband: 2 });
    expect(feed(alarmRule, specs).events).toEqual(events);
  });

  it('applies the on-delay to a comparison', () => {
    const alarmRule = rule({
      kind: 'comparison',
      severity: 'medium',
      op: '==',
      value: 'FAULT',
      onDelayMs: 3_000,
    });
    expect(
      feed(alarmRule, [
        [0, 'FAULT'],
        [2, 'FAULT'],
        [3, 'FAULT'],
      ]).events,
    ).toEqual(['raised @3s']);
  });
});

describe('digital rules', () => {
  it.each<{ trigger: string; specs: SampleSpec[]; events: string[] }>([
    {
      trigger: 'true',
      specs: [
        [0, false],
        [1, true],
        [2, false],
      ],
      events: ['raised @1s', 'cleared @2s'],
    },
    {
      trigger: 'true',
      specs: [
        [0, 0],
        [1, 1],
      ],
      events: ['raised @1s'],
    },
    {
      trigger: 'false',
      specs: [
        [0, true],
        [1, false],
        [2, true],
      ],
      events: ['raised @1s', 'cleared @2s'],
    },
    {
      trigger: 'rising',
      specs: [
        [0, false],
        [1, true],
        [2, true],
      ],
      events: ['raised @1s', 'cleared @2s'],
    },
    {
      trigger: 'rising',
      specs: [
        [0, true],
        [1, true],
      ],
      events: [],
    },
    {
      trigger: 'rising',
      specs: [
        [0, true],
        [1, false],
      ],
      events: [],
    },
    {
      trigger: 'falling',
      specs: [
        [0, true],
        [1, false],
        [2, false],
      ],
      events: ['raised @1s', 'cleared @2s'],
    },
    {
      trigger: 'falling',
      specs: [
        [0, false],
        [1, true],
      ],
      events: [],
    },
    {
      trigger: 'rising',
      specs: [
        [0, false],
        [1, true, 'bad'],
        [2, true],
      ],
      events: ['raised @2s'],
    },
    { trigger: 'true', specs: [[0, 'ON']], events: [] },
  ])('trigger $trigger on $specs gives $events', ({ trigger, specs, events }) => {
    expect(feed(rule({ kind: 'digital', severity: 'high', trigger }), specs).events).toEqual(events);
  });

  it('keeps a rising-edge alarm active for its off-delay', () => {
    const alarmRule = rule({ kind: 'digital', severity: 'high', trigger: 'rising', offDelayMs: 5_000 });
    expect(
      feed(alarmRule, [
        [0, false],
        [1, true],
        [2, true],
        [6, true],
        [7, true],
      ]).events,
    ).toEqual(['raised @1s', 'cleared @7s']);
  });
});

describe('rate-of-change rules', () => {
  it.each<{ name: string; direction: string; deadband?: number; specs: SampleSpec[]; events: string[] }>([
    {
      name: 'raises when the value rises faster than the limit',
      direction: 'either',
      specs: [
        [0, 50],
        [30, 56],
      ],
      events: ['raised @30s'],
    },
    {
      name: 'raises when the value falls faster than the limit',
      direction: 'either',
      specs: [
        [0, 50],
        [30, 44],
      ],
      events: ['raised @30s'],
    },
    {
      name: 'stays normal at exactly the limit',
      direction: 'either',
      specs: [
        [0, 50],
        [60, 60],
      ],
      events: [],
    },
    {
      name: 'ignores a fall when watching rises',
      direction: 'up',
      specs: [
        [0, 50],
        [30, 40],
      ],
      events: [],
    },
    {
      name: 'ignores a rise when watching falls',
      direction: 'down',
      specs: [
        [0, 50],
        [30, 60],
      ],
      events: [],
    },
    {
      name: 'raises on a fall when watching falls',
      direction: 'down',
      specs: [
        [0, 50],
        [30, 40],
      ],
      events: ['raised @30s'],
    },
    { name: 'never raises on the first sample', direction: 'either', specs: [[0, 1000]], events: [] },
    {
      name: 'keeps the alarm active inside the deadband and clears beyond it',
      direction: 'up',
      deadband: 3,
      specs: [
        [0, 0],
        [60, 12],
        [120, 20],
        [180, 25],
      ],
      events: ['raised @60s', 'cleared @180s'],
    },
    {
      name: 'skips a bad-quality sample instead of measuring against it',
      direction: 'either',
      specs: [
        [0, 50],
        [30, 0, 'bad'],
        [60, 55],
      ],
      events: [],
    },
  ])('$name', ({ direction, deadband = 0, specs, events }) => {
    const alarmRule = rule({ kind: 'rateOfChange', severity: 'medium', perMinute: 10, direction, deadband });
    expect(feed(alarmRule, specs).events).toEqual(events);
  });
});

describe('bad-quality rules', () => {
  it.each<{ name: string; extra: Record<string, unknown>; specs: SampleSpec[]; events: string[] }>([
    {
      name: 'raises on a bad sample and clears on the next good one',
      extra: {},
      specs: [
        [0, 1],
        [1, 0, 'bad'],
        [2, 1],
      ],
      events: ['raised @1s', 'cleared @2s'],
    },
    { name: 'treats uncertain quality as not bad', extra: {}, specs: [[0, 1, 'uncertain']], events: [] },
    {
      name: 'waits for the on-delay, dated when it ran out',
      extra: { onDelayMs: 5_000 },
      specs: [
        [0, 0, 'bad'],
        [3, 0, 'bad'],
        [6, 0, 'bad'],
      ],
      events: ['raised @5s'],
    },
    {
      name: 'ignores a short burst of bad quality within the on-delay',
      extra: { onDelayMs: 5_000 },
      specs: [
        [0, 0, 'bad'],
        [3, 1],
        [6, 0, 'bad'],
      ],
      events: [],
    },
  ])('$name', ({ extra, specs, events }) => {
    expect(feed(rule({ kind: 'badQuality', severity: 'low', ...extra }), specs).events).toEqual(events);
  });
});

describe('communication loss', () => {
  it.each<{
    name: string;
    extra?: Record<string, unknown>;
    specs: SampleSpec[];
    tickAt: number;
    events: string[];
  }>([
    {
      name: 'stays normal while data is recent',
      specs: [
        [0, 1],
        [10, 1],
      ],
      tickAt: 39,
      events: [],
    },
    {
      name: 'raises once the device has been silent for afterSeconds',
      specs: [
        [0, 1],
        [10, 1],
      ],
      tickAt: 40,
      events: ['raised @40s'],
    },
    { name: 'raises nothing before the device ever reported', specs: [], tickAt: 1000, events: [] },
    {
      name: 'adds the on-delay to the silence',
      extra: { onDelayMs: 10_000 },
      specs: [[10, 1]],
      tickAt: 49,
      events: [],
    },
    {
      name: 'raises after the silence and the on-delay',
      extra: { onDelayMs: 10_000 },
      specs: [[10, 1]],
      tickAt: 50,
      events: ['raised @50s'],
    },
  ])('$name', ({ extra = {}, specs, tickAt, events }) => {
    const alarmRule = deviceCommLoss(GATEWAY, extra);
    const fed = feed(alarmRule, specs);
    expect(summary(tick(alarmRule, fed.state, at(tickAt)).transitions)).toEqual(events);
  });

  it('clears when data arrives again and waits for acknowledgement', () => {
    const alarmRule = deviceCommLoss();
    const ticked = tick(alarmRule, feed(alarmRule, [[0, 1]]).state, at(45));
    const resumed = feed(alarmRule, [[50, 1]], ticked.state);
    expect(resumed.events).toEqual(['cleared @50s']);
    expect(stateOf(resumed.state)).toBe('cleared-unacked');
  });

  it('judges a gap by the data timestamps alone, without a periodic check', () => {
    expect(
      feed(deviceCommLoss(), [
        [0, 1],
        [100, 1],
      ]).events,
    ).toEqual(['raised @30s', 'cleared @100s']);
  });

  it('counts bad-quality data as a sign of life', () => {
    expect(
      feed(deviceCommLoss(), [
        [0, 1],
        [20, 0, 'bad'],
        [45, 1],
      ]).events,
    ).toEqual([]);
  });

  it('raises the gateway alarm when its status goes offline and clears it when back online', () => {
    const alarmRule = gatewayCommLoss();
    const offline = setGatewayStatus(alarmRule, initialAlarmRuleState(alarmRule), {
      online: false,
      at: at(10),
    });
    const online = setGatewayStatus(alarmRule, offline.state, { online: true, at: at(500) });
    expect(summary([...offline.transitions, ...online.transitions])).toEqual([
      'raised @10s',
      'cleared @500s',
    ]);
  });

  it('keeps the gateway alarm while offline even if late buffered data arrives', () => {
    const alarmRule = gatewayCommLoss();
    const offline = setGatewayStatus(alarmRule, initialAlarmRuleState(alarmRule), {
      online: false,
      at: at(10),
    });
    expect(feed(alarmRule, [[20, 1]], offline.state).events).toEqual([]);
    expect(stateOf(feed(alarmRule, [[20, 1]], offline.state).state)).toBe('active-unacked');
  });

  it('raises the gateway alarm from silence when no offline status arrives', () => {
    const alarmRule = gatewayCommLoss();
    const fed = feed(alarmRule, [[0, 1]]);
    expect(summary(tick(alarmRule, fed.state, at(60)).transitions)).toEqual(['raised @60s']);
  });

  it('refuses a gateway status for a device rule and suppression for a gateway rule', () => {
    const device = deviceCommLoss();
    const gateway = gatewayCommLoss();
    expect(() =>
      setGatewayStatus(device, initialAlarmRuleState(device), { online: false, at: at(0) }),
    ).toThrow(AlarmOperationError);
    expect(() =>
      setSuppressed(gateway, initialAlarmRuleState(gateway), { suppressed: true, at: at(0) }),
    ).toThrow(AlarmOperationError);
  });
});

describe('gateway-offline suppression', () => {
  function plant() {
    const gateway = gatewayCommLoss();
    const pump = deviceCommLoss();
    const valve = deviceCommLoss();
    const elsewhere = deviceCommLoss(OTHER_GATEWAY);
    const withData = (alarmRule: AlarmRule) => ({ rule: alarmRule, state: feed(alarmRule, [[90, 1]]).state });
    return { gateway: withData(gateway), devices: [withData(pump), withData(valve), withData(elsewhere)] };
  }

  it('raises one gateway alarm and suppresses its devices instead of a flood', () => {
    const { gateway, devices } = plant();
    const offline = applyGatewayStatus(gateway, devices, { online: false, at: at(100) });
    expect(offline.transitions.map((transition) => [transition.ruleId, transition.kind])).toEqual([
      [gateway.rule.id, 'raised'],
      [devices[0]?.rule.id, 'suppressed'],
      [devices[1]?.rule.id, 'suppressed'],
    ]);
    expect(offline.transitions[1]?.comment).toBe(`gateway ${GATEWAY} offline`);
    expect(offline.devices[2]).toBe(devices[2]?.state);
  });

  it('raises no device alarm while the gateway is offline, however long the silence', () => {
    const { gateway, devices } = plant();
    const offline = applyGatewayStatus(gateway, devices, { online: false, at: at(100) });
    const later = devices.slice(0, 2).flatMap(({ rule: alarmRule }, index) => {
      const state = offline.devices[index];
      return state === undefined ? [] : [tick(alarmRule, state, at(3600))];
    });
    expect(later.flatMap((result) => result.transitions)).toEqual([]);
    expect(
      later.map((result) => [result.state.alarms.alarm?.condition, result.state.alarms.alarm?.state]),
    ).toEqual([
      [true, 'normal'],
      [true, 'normal'],
    ]);
  });

  it('gives the devices a full afterSeconds to report once the gateway is back', () => {
    const { gateway, devices } = plant();
    const offline = applyGatewayStatus(gateway, devices, { online: false, at: at(100) });
    const online = applyGatewayStatus(
      { rule: gateway.rule, state: offline.gateway },
      devices.map((device, index) => ({ rule: device.rule, state: offline.devices[index] ?? device.state })),
      { online: true, at: at(3600) },
    );
    expect(summary(online.transitions)).toEqual(['cleared @3600s']);
    const [pump, valve] = devices;
    const [pumpState, valveState] = online.devices;
    if (pump === undefined || valve === undefined || pumpState === undefined || valveState === undefined) {
      throw new Error('fixture lost its devices');
    }
    const pumpReports = evaluateSamples(pump.rule, pumpState, samples([[3605, 1]]));
    expect(summary(tick(pump.rule, pumpReports.state, at(3630)).transitions)).toEqual([]);
    expect(summary(tick(valve.rule, valveState, at(3630)).transitions)).toEqual(['raised @3630s']);
  });

  it('ignores a status older than the one already applied, for the gateway and its devices alike', () => {
    const { gateway, devices } = plant();
    const offline = applyGatewayStatus(gateway, devices, { online: false, at: at(100) });
    const back = applyGatewayStatus(
      { rule: gateway.rule, state: offline.gateway },
      devices.map((device, index) => ({ rule: device.rule, state: offline.devices[index] ?? device.state })),
      { online: true, at: at(200) },
    );
    // the Last Will of the earlier connection, redelivered late
    const late = applyGatewayStatus(
      { rule: gateway.rule, state: back.gateway },
      devices.map((device, index) => ({ rule: device.rule, state: back.devices[index] ?? device.state })),
      { online: false, at: at(150) },
    );
    expect(late.transitions).toEqual([]);
    expect(late.gateway).toEqual(back.gateway);
    expect(late.devices).toEqual(back.devices);
  });

  it('keeps a device alarm that was already active before the gateway went offline', () => {
    const device = deviceCommLoss();
    const active = tick(device, feed(device, [[0, 1]]).state, at(40));
    const suppressed = setSuppressed(device, active.state, { suppressed: true, at: at(50) });
    const lifted = setSuppressed(device, suppressed.state, { suppressed: false, at: at(100) });
    expect(summary([...active.transitions, ...suppressed.transitions, ...lifted.transitions])).toEqual([
      'raised @30s',
      'suppressed @50s',
    ]);
    expect(stateOf(lifted.state)).toBe('active-unacked');
  });
});

describe('ISA-18.2 state transitions', () => {
  const alarmRule = hiRule();
  const raised = () => feed(alarmRule, [[0, 85]]).state;

  it.each<{
    name: string;
    steps: (state: AlarmRuleState) => ReturnType<typeof evaluateSamples>;
    from: string;
    to: string;
    kind: string;
  }>([
    {
      name: 'raises from normal to active-unacked',
      steps: (s) => feed(alarmRule, [[0, 85]], s),
      from: 'normal',
      to: 'active-unacked',
      kind: 'raised',
    },
    {
      name: 'acknowledges active-unacked to active-acked',
      steps: () => acknowledge(alarmRule, raised(), by(5)),
      from: 'active-unacked',
      to: 'active-acked',
      kind: 'acknowledged',
    },
    {
      name: 'clears active-acked straight to normal',
      steps: () => feed(alarmRule, [[9, 50]], acknowledge(alarmRule, raised(), by(5)).state),
      from: 'active-acked',
      to: 'normal',
      kind: 'cleared',
    },
    {
      name: 'clears active-unacked to cleared-unacked',
      steps: () => feed(alarmRule, [[9, 50]], raised()),
      from: 'active-unacked',
      to: 'cleared-unacked',
      kind: 'cleared',
    },
    {
      name: 'acknowledges cleared-unacked to normal',
      steps: () => acknowledge(alarmRule, feed(alarmRule, [[9, 50]], raised()).state, by(10)),
      from: 'cleared-unacked',
      to: 'normal',
      kind: 'acknowledged',
    },
    {
      name: 'raises cleared-unacked again to active-unacked',
      steps: () => feed(alarmRule, [[10, 90]], feed(alarmRule, [[9, 50]], raised()).state),
      from: 'cleared-unacked',
      to: 'active-unacked',
      kind: 'raised',
    },
  ])('$name', ({ steps, from, to, kind }) => {
    const result = steps(initialAlarmRuleState(alarmRule));
    expect(result.transitions.map((transition) => [transition.kind, transition.from, transition.to])).toEqual(
      [[kind, from, to]],
    );
    expect(stateOf(result.state, 'hi')).toBe(to);
  });

  it('records who acknowledged, through which channel, and why', () => {
    const acked = acknowledge(
      alarmRule,
      raised(),
      by(5, { channel: 'sms', comment: 'on my way', by: { type: 'contact', id: 'c-1' } }),
    );
    expect(acked.transitions[0]).toMatchObject({
      kind: 'acknowledged',
      at: at(5),
      by: { type: 'contact', id: 'c-1' },
      channel: 'sms',
      comment: 'on my way',
      value: 85,
    });
  });

  it.each([
    {
      name: 'records nothing when acknowledging a normal alarm',
      state: () => initialAlarmRuleState(alarmRule),
    },
    {
      name: 'records nothing when the same alarm is acknowledged twice',
      state: () => acknowledge(alarmRule, raised(), by(5)).state,
    },
  ])('$name', ({ state }) => {
    const before = state();
    const again = acknowledge(alarmRule, before, by(6, { channel: 'voice' }));
    expect(again.transitions).toEqual([]);
    expect(again.state).toEqual(before);
  });

  it('acknowledges every level of a stack at once, or just the one named', () => {
    const stackRule = limitRule();
    const both = feed(stackRule, [[0, 95]]).state;
    expect(summary(acknowledge(stackRule, both, by(1)).transitions)).toEqual([
      'acknowledged hihi @1s',
      'acknowledged hi @1s',
    ]);
    const onlyHiHi = acknowledge(stackRule, both, by(1, { level: 'hihi' }));
    expect(summary(onlyHiHi.transitions)).toEqual(['acknowledged hihi @1s']);
    expect(stateOf(onlyHiHi.state, 'hi')).toBe('active-unacked');
  });

  it('refuses a level the rule does not have', () => {
    expect(() => acknowledge(alarmRule, raised(), by(1, { level: 'lolo' }))).toThrow(AlarmOperationError);
    const badQuality = rule({ kind: 'badQuality', severity: 'low' });
    expect(() => acknowledge(badQuality, initialAlarmRuleState(badQuality), by(1, { level: 'hi' }))).toThrow(
      AlarmOperationError,
    );
  });
});

describe('shelving', () => {
  const alarmRule = hiRule();

  it('holds a raise while shelved and raises at once when unshelved', () => {
    const shelved = shelve(
      alarmRule,
      initialAlarmRuleState(alarmRule),
      shelving(0, 600, { comment: 'sensor swap' }),
    );
    const fed = feed(alarmRule, [[10, 85]], shelved.state);
    const back = unshelve(alarmRule, fed.state, by(20));
    expect(summary([...shelved.transitions, ...fed.transitions, ...back.transitions])).toEqual([
      'shelved hi @0s',
      'unshelved hi @20s',
      'raised hi @20s',
    ]);
    expect(fed.state.alarms.hi?.condition).toBe(true);
    expect(stateOf(fed.state, 'hi')).toBe('normal');
  });

  it('unshelves by itself when the shelving expires, and shows the truth at once', () => {
    const active = feed(alarmRule, [[0, 85]]).state;
    const shelved = shelve(alarmRule, active, shelving(1, 60, { comment: 'known fault' }));
    const cleared = feed(alarmRule, [[30, 50]], shelved.state);
    const expired = tick(alarmRule, cleared.state, at(90));
    expect(cleared.transitions).toEqual([]);
    expect(
      expired.transitions.map((transition) => [
        transition.kind,
        transition.at,
        transition.channel,
        transition.from,
        transition.to,
      ]),
    ).toEqual([
      ['unshelved', at(60), 'system', 'active-unacked', 'active-unacked'],
      ['cleared', at(60), 'system', 'active-unacked', 'cleared-unacked'],
    ]);
    expect(expired.state.alarms.hi?.shelvedUntil).toBeNull();
  });

  it('expires the shelving when a later sample arrives, before judging it', () => {
    const shelved = shelve(
      alarmRule,
      initialAlarmRuleState(alarmRule),
      shelving(0, 60, { comment: 'calibration' }),
    );
    expect(
      feed(
        alarmRule,
        [
          [30, 85],
          [61, 86],
        ],
        shelved.state,
      ).events,
    ).toEqual(['unshelved hi @60s', 'raised hi @60s']);
  });

  it('moves the end when shelved again', () => {
    const once = shelve(alarmRule, initialAlarmRuleState(alarmRule), shelving(0, 60, { comment: 'a' }));
    const twice = shelve(alarmRule, once.state, shelving(30, 120, { comment: 'b' }));
    expect(tick(alarmRule, twice.state, at(100)).transitions).toEqual([]);
    expect(summary(tick(alarmRule, twice.state, at(120)).transitions)).toEqual(['unshelved hi @120s']);
  });

  it('refuses a shelving that ends before it starts', () => {
    expect(() => shelve(alarmRule, initialAlarmRuleState(alarmRule), shelving(10, 10, {}))).toThrow(
      AlarmOperationError,
    );
  });

  it('records nothing when unshelving an alarm that is not shelved', () => {
    expect(unshelve(alarmRule, initialAlarmRuleState(alarmRule), by(1)).transitions).toEqual([]);
  });

  it('shelves one level of a stack and leaves the others annunciating', () => {
    const stackRule = limitRule();
    const shelved = shelve(
      stackRule,
      initialAlarmRuleState(stackRule),
      shelving(0, 600, { level: 'hi', comment: 'x' }),
    );
    expect(feed(stackRule, [[1, 95]], shelved.state).events).toEqual(['raised hihi @1s']);
  });

  it('records who shelved it, through which channel, and why', () => {
    const shelved = shelve(
      alarmRule,
      initialAlarmRuleState(alarmRule),
      shelving(0, 600, { comment: 'sensor swap', channel: 'api' }),
    );
    expect(shelved.transitions[0]).toMatchObject({
      kind: 'shelved',
      by: operator.by,
      channel: 'api',
      comment: 'sensor swap',
    });
    expect(shelved.state.alarms.hi?.shelvedUntil).toBe(at(600));
  });
});

describe('comments', () => {
  it.each([
    ['a normal alarm', [] as SampleSpec[], 'normal'],
    ['an active alarm', [[0, 85]] as SampleSpec[], 'active-unacked'],
  ])('records a comment on %s without changing its state', (_case, specs, expected) => {
    const alarmRule = hiRule();
    const before = feed(alarmRule, specs).state;
    const result = addComment(alarmRule, before, { ...by(10), comment: 'Crew on site' });
    expect(result.transitions.map((t) => [t.kind, t.from, t.to, t.comment])).toEqual([
      ['comment', expected, expected, 'Crew on site'],
    ]);
    expect(result.state.alarms).toEqual(before.alarms);
  });
});

describe('out of service', () => {
  const alarmRule = hiRule();

  it('raises nothing while out of service and catches up on return if still in alarm', () => {
    const removed = removeFromService(
      alarmRule,
      initialAlarmRuleState(alarmRule),
      by(0, { comment: 'maintenance' }),
    );
    const fed = feed(alarmRule, [[10, 85]], removed.state);
    const back = returnToService(alarmRule, fed.state, by(20));
    expect(summary([...removed.transitions, ...fed.transitions, ...back.transitions])).toEqual([
      'out-of-service hi @0s',
      'in-service hi @20s',
      'raised hi @20s',
    ]);
  });

  it('returns to service quietly when the condition has gone meanwhile', () => {
    const removed = removeFromService(alarmRule, initialAlarmRuleState(alarmRule), by(0));
    const fed = feed(
      alarmRule,
      [
        [10, 85],
        [15, 50],
      ],
      removed.state,
    );
    expect(summary(returnToService(alarmRule, fed.state, by(20)).transitions)).toEqual([
      'in-service hi @20s',
    ]);
  });

  it('records nothing for a second removal or a return of an alarm in service', () => {
    const removed = removeFromService(alarmRule, initialAlarmRuleState(alarmRule), by(0));
    expect(removeFromService(alarmRule, removed.state, by(1)).transitions).toEqual([]);
    expect(returnToService(alarmRule, initialAlarmRuleState(alarmRule), by(1)).transitions).toEqual([]);
  });

  it('does not expire: only an operator returns it to service', () => {
    const removed = removeFromService(alarmRule, initialAlarmRuleState(alarmRule), by(0));
    const fed = feed(alarmRule, [[10, 85]], removed.state);
    expect(tick(alarmRule, fed.state, at(86_400 * 30)).transitions).toEqual([]);
  });
});

describe('replay and persistence', () => {
  const alarmRule = limitRule({ deadband: 2, onDelayMs: 5_000 });
  const batch: SampleSpec[] = [
    [0, 85],
    [5, 86],
    [10, 95],
    [20, 50],
  ];

  it('raises nothing twice when the same batch is evaluated again', () => {
    const first = feed(alarmRule, batch);
    const replay = feed(alarmRule, batch, first.state);
    expect(first.events).toEqual([
      'raised hi @5s',
      'raised hihi @15s',
      'cleared hihi @20s',
      'cleared hi @20s',
    ]);
    expect(replay.events).toEqual([]);
    expect(replay.state).toEqual(first.state);
  });

  it('ignores samples older than the last one evaluated and duplicate timestamps in a batch', () => {
    const first = feed(alarmRule, [[10, 50]]);
    expect(
      feed(
        alarmRule,
        [
          [5, 99],
          [10, 99],
        ],
        first.state,
      ).events,
    ).toEqual([]);
    expect(
      feed(hiRule(), [
        [0, 85],
        [0, 50],
      ]).state.alarms.hi?.value,
    ).toBe(85);
  });

  it('evaluates a batch in timestamp order whatever order it came in', () => {
    const shuffled = [batch[3], batch[1], batch[0], batch[2]].filter((spec) => spec !== undefined);
    expect(feed(alarmRule, shuffled).events).toEqual(feed(alarmRule, batch).events);
  });

  it('continues identically from state that went through JSON and its schema (a restart or another instance)', () => {
    const split = feed(alarmRule, batch.slice(0, 2));
    const restored = alarmRuleStateSchema.parse(JSON.parse(JSON.stringify(split.state)));
    const continued = feed(alarmRule, batch.slice(2), restored);
    expect(restored).toEqual(split.state);
    expect([...split.events, ...continued.events]).toEqual(feed(alarmRule, batch).events);
  });

  it('accepts stored telemetry records as samples and keeps only what it needs in its state', () => {
    const alarmRule = rule({ kind: 'digital', severity: 'high', trigger: 'rising' });
    const record = {
      tenantId: TENANT,
      siteId: SITE,
      gatewayId: GATEWAY,
      deviceKey: 'plc-1',
      tagKey: 'pump_running',
      ts: at(1),
      value: false,
      quality: 'good' as const,
    };
    const result = evaluateSamples(alarmRule, initialAlarmRuleState(alarmRule), [record]);
    expect(alarmRuleStateSchema.parse(result.state).previousSample).toEqual({
      ts: at(1),
      value: false,
      quality: 'good',
    });
  });

  it('does not change the state it was given', () => {
    const state = initialAlarmRuleState(alarmRule);
    const copy = structuredClone(state);
    feed(alarmRule, batch, state);
    tick(alarmRule, state, at(100));
    acknowledge(alarmRule, state, by(1));
    expect(state).toEqual(copy);
  });

  it('refuses a state that belongs to another rule', () => {
    expect(() => evaluateSamples(hiRule(), initialAlarmRuleState(alarmRule), [])).toThrow(
      AlarmOperationError,
    );
  });

  it('changes nothing for a disabled rule', () => {
    const disabled = hiRule({ enabled: false });
    const fed = feed(disabled, [[0, 99]]);
    expect(fed.events).toEqual([]);
    expect(fed.state).toEqual(initialAlarmRuleState(disabled));
  });
});

describe('time and late data', () => {
  it('raises nothing twice when the periodic check runs again at the same time or later', () => {
    const alarmRule = deviceCommLoss();
    const first = tick(alarmRule, feed(alarmRule, [[0, 1]]).state, at(40));
    expect(summary(first.transitions)).toEqual(['raised @30s']);
    expect(tick(alarmRule, first.state, at(40)).transitions).toEqual([]);
    expect(tick(alarmRule, first.state, at(400)).transitions).toEqual([]);
  });

  it('clears a comm-loss alarm from buffered data that arrives after the check raised it', () => {
    const alarmRule = deviceCommLoss();
    const raised = tick(alarmRule, feed(alarmRule, [[0, 1]]).state, at(60));
    const buffered = feed(
      alarmRule,
      [
        [35, 1],
        [45, 1],
      ],
      raised.state,
    );
    expect(buffered.events).toEqual(['cleared @35s']);
  });

  it("never dates a transition before the rule's last one, however late the data", () => {
    const alarmRule = deviceCommLoss();
    const raised = tick(alarmRule, feed(alarmRule, [[0, 1]]).state, at(60));
    expect(summary(raised.transitions)).toEqual(['raised @30s']);
    // a buffered sample from before the raise: the device was not silent that long after all
    const buffered = feed(alarmRule, [[25, 1]], raised.state);
    expect(buffered.events).toEqual(['cleared @30s']);
  });
});

describe('journal entries', () => {
  it('turns a transition into an AlarmEvent the shared schema accepts', () => {
    const [raised] = feed(hiRule(), [[3, 87.5]]).transitions;
    if (raised === undefined) throw new Error('expected a raise');
    const event = toAlarmEvent(raised, {
      id: '00000000-0000-4000-8000-000000000010',
      tenantId: TENANT,
      siteId: SITE,
      alarmId: '00000000-0000-4000-8000-000000000011',
    });
    expect(alarmEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      at: '2026-06-01T12:00:03.000Z',
      kind: 'raised',
      to: 'active-unacked',
      value: 87.5,
    });
  });

  it('keeps the operator comment on an acknowledgement entry', () => {
    const alarmRule = hiRule();
    const [acked] = acknowledge(
      alarmRule,
      feed(alarmRule, [[0, 85]]).state,
      by(4, { comment: 'valve closed' }),
    ).transitions;
    if (acked === undefined) throw new Error('expected an acknowledgement');
    const event = toAlarmEvent(acked, {
      id: '00000000-0000-4000-8000-000000000012',
      tenantId: TENANT,
      siteId: SITE,
      alarmId: '00000000-0000-4000-8000-000000000011',
    });
    expect(event).toMatchObject({
      comment: 'valve closed',
      channel: 'web',
      by: operator.by,
      from: 'active-unacked',
    });
  });
});
