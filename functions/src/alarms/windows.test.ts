// Totalizer and counter rules (ADR 0045), table-driven through the engine: what a sliding window
// sums or counts, when it raises, and how it clears with new samples or with time alone.
import {
  type AlarmRule,
  alarmRuleSchema,
  createAlarmRuleSchema,
  type Quality,
  type TelemetryValue,
  updateAlarmRuleSchema,
} from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import {
  type AlarmRuleState,
  type AlarmTransition,
  alarmRuleStateSchema,
  evaluateSamples,
  initialAlarmRuleState,
  tick,
} from './engine.ts';
import { WINDOW_BUCKETS } from './windows.ts';

// On the hour, so a window's buckets start on whole minutes.
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const min = (minutes: number) => T0 + minutes * 60_000;

function rule(spec: Record<string, unknown>): AlarmRule {
  return alarmRuleSchema.parse({
    id: '00000000-0000-4000-8000-000000000101',
    tenantId: '00000000-0000-4000-8000-000000000001',
    siteId: '00000000-0000-4000-8000-000000000002',
    tagId: '00000000-0000-4000-8000-000000000003',
    name: 'Window',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    severity: 'high',
    windowSeconds: 3600,
    ...spec,
  });
}

type Sample = [minutes: number, value: TelemetryValue, quality?: Quality];

/** Runs the samples in batches of `batch`, then ticks to `tickTo`; transitions as "minute kind value". */
function run(alarmRule: AlarmRule, samples: Sample[], options: { tickTo?: number; batch?: number } = {}) {
  let state: AlarmRuleState = initialAlarmRuleState(alarmRule);
  const transitions: AlarmTransition[] = [];
  const batch = options.batch ?? samples.length;
  for (let start = 0; start < samples.length; start += batch) {
    const result = evaluateSamples(
      alarmRule,
      state,
      samples.slice(start, start + batch).map(([minutes, value, quality]) => ({
        ts: Math.round(min(minutes)),
        value,
        quality: quality ?? ('good' as const),
      })),
    );
    // As stored and read back: the window goes through the state's schema like after a restart.
    state = alarmRuleStateSchema.parse(JSON.parse(JSON.stringify(result.state)));
    transitions.push(...result.transitions);
  }
  if (options.tickTo !== undefined)
    transitions.push(...tick(alarmRule, state, min(options.tickTo)).transitions);
  return {
    state,
    transitions: transitions.map((t) => `${(t.at - T0) / 60_000} ${t.kind} ${t.value}`),
  };
}

/** One sample a minute from minute 0 to `last`, valued by `value(minute)`. */
const everyMinute = (last: number, value: (minute: number) => TelemetryValue): Sample[] =>
  Array.from({ length: last + 1 }, (_, minute) => [minute, value(minute)]);

describe('totalizer rules', () => {
  const cases: {
    name: string;
    spec: Record<string, unknown>;
    samples: Sample[];
    tickTo?: number;
    expected: string[];
  }[] = [
    {
      name: 'a running total: 10 m³ a minute passes 500 m³ in the hour at minute 51',
      spec: { input: 'counter', threshold: 500 },
      samples: everyMinute(55, (m) => 1000 + 10 * m),
      expected: ['51 raised 510'],
    },
    {
      name: 'a rate: 600 m³/h held for 51 minutes is 510 m³',
      spec: { input: 'ratePerHour', threshold: 500 },
      samples: everyMinute(55, () => 600),
      expected: ['51 raised 510'],
    },
    {
      name: 'a rate per second and per minute scale alike',
      spec: { input: 'ratePerMinute', threshold: 500 },
      samples: everyMinute(55, () => 10),
      expected: ['51 raised 510'],
    },
    {
      name: 'the same volume over more than an hour never passes 500 m³ in any hour',
      spec: { input: 'counter', threshold: 500 },
      samples: everyMinute(120, (m) => 5 * m),
      expected: [],
    },
    {
      name: 'a counter reset (the total falls) adds nothing, the counting goes on after it',
      spec: { input: 'counter', threshold: 100 },
      samples: [
        [0, 900],
        [1, 960],
        [2, 5],
        [3, 40],
        [4, 50],
      ],
      expected: ['4 raised 105'],
    },
    {
      name: 'a bad sample stops a rate: its time adds nothing until a good sample comes back',
      spec: { input: 'ratePerHour', threshold: 100 },
      samples: [
        [0, 600],
        [5, 600, 'bad'],
        [30, 600],
        [35, 600],
      ],
      // 50 m³ before the bad sample, 50 after it: the 25 bad minutes are not 250 m³
      expected: [],
    },
    {
      name: 'a bad sample does not break a running total: the register counted on meanwhile',
      spec: { input: 'counter', threshold: 100 },
      samples: [
        [0, 0],
        [5, 0, 'bad'],
        [30, 150],
      ],
      expected: ['30 raised 150'],
    },
    {
      name: 'a gap longer than the window adds only its last hour',
      spec: { input: 'ratePerHour', threshold: 500 },
      samples: [
        [0, 600],
        [120, 600],
      ],
      expected: ['120 raised 600'],
    },
    {
      name: 'clears by time alone once the flow stops and the oldest minute leaves the window',
      spec: { input: 'counter', threshold: 500 },
      samples: everyMinute(51, (m) => 10 * m),
      tickTo: 180,
      expected: ['51 raised 510', '61 cleared 500'],
    },
    {
      name: 'the deadband holds the alarm until the total is 50 m³ under the threshold',
      spec: { input: 'counter', threshold: 500, deadband: 50 },
      samples: everyMinute(51, (m) => 10 * m),
      tickTo: 180,
      expected: ['51 raised 510', '66 cleared 450'],
    },
    {
      name: 'the on-delay waits for the total to stay over the threshold',
      spec: { input: 'ratePerHour', threshold: 500, onDelayMs: 180_000 },
      samples: everyMinute(58, () => 600),
      expected: ['54 raised 540'],
    },
    {
      name: 'a text sample judges nothing',
      spec: { input: 'counter', threshold: 5 },
      samples: [
        [0, 0],
        [1, 'n/a'],
        [2, 3],
      ],
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ spec, samples, tickTo, expected }) => {
    const totalizer = rule({ kind: 'totalizer', ...spec });
    expect(run(totalizer, samples, { tickTo }).transitions).toEqual(expected);
    // Batch boundaries change nothing: a sample at a time gives the same answer.
    expect(run(totalizer, samples, { tickTo, batch: 1 }).transitions).toEqual(expected);
  });

  it('keeps the total when the rule’s window is edited: the buckets are cut to the new length', () => {
    const hour = rule({ kind: 'totalizer', input: 'counter', threshold: 1000 });
    const half = rule({ kind: 'totalizer', input: 'counter', threshold: 1000, windowSeconds: 1800 });
    const first = run(
      hour,
      everyMinute(30, (m) => 10 * m),
    ).state;
    expect(first.window?.buckets).toHaveLength(30);
    // the same state, now under a 30-minute window: minute 0's 10 m³ has left it by 30.5
    const after = evaluateSamples(half, first, [{ ts: min(30.5), value: 300, quality: 'good' }]);
    expect(after.state.alarms.alarm?.value).toBe(290);
    expect(after.state.window?.bucketMs).toBe(30_000);
  });

  it(`keeps at most ${WINDOW_BUCKETS + 1} buckets however many samples the window holds`, () => {
    const samples: Sample[] = Array.from({ length: 7200 }, (_, i) => [i / 60, 600]);
    const { state } = run(rule({ kind: 'totalizer', input: 'ratePerHour', threshold: 10_000 }), samples);
    expect(state.window?.buckets.length).toBeLessThanOrEqual(WINDOW_BUCKETS + 1);
  });
});

describe('counter rules', () => {
  /** Pump run signal: on at each start minute, off a minute later. */
  const starts = (...minutes: number[]): Sample[] => [
    [-1, false],
    ...minutes.flatMap((m): Sample[] => [
      [m, true],
      [m + 0.5, false],
    ]),
  ];
  const cases: {
    name: string;
    spec: Record<string, unknown>;
    samples: Sample[];
    tickTo?: number;
    expected: string[];
  }[] = [
    {
      name: 'the seventh start within the hour raises pump starts > 6',
      spec: { threshold: 6 },
      samples: starts(0, 10, 20, 30, 40, 50, 55),
      expected: ['55 raised 7'],
    },
    {
      name: 'seven starts spread over more than an hour do not',
      spec: { threshold: 6 },
      samples: starts(0, 11, 22, 33, 44, 55, 66),
      expected: [],
    },
    {
      name: 'clears by time alone when the oldest start leaves the window',
      spec: { threshold: 6 },
      samples: starts(0, 10, 20, 30, 40, 50, 55),
      tickTo: 120,
      expected: ['55 raised 7', '60 cleared 6'],
    },
    {
      name: 'the first sample is not a transition, nor is staying on',
      spec: { threshold: 1 },
      samples: [
        [0, true],
        [1, true],
        [2, false],
        [3, true],
      ],
      expected: [],
    },
    {
      name: 'a bad sample between two runs is not a stop and a start',
      spec: { threshold: 1 },
      samples: [
        [0, false],
        [1, true],
        [2, true, 'bad'],
        [3, true],
        [4, false],
        [5, true],
      ],
      expected: ['5 raised 2'],
    },
    {
      name: 'a 0/1 register counts as a run signal',
      spec: { threshold: 2 },
      samples: [0, 1, 0, 1, 0, 1].map((value, m): Sample => [m, value]),
      expected: ['5 raised 3'],
    },
    {
      name: 'arrivals into a numeric state (a drive tripping: mode 3)',
      spec: { state: 3, threshold: 1 },
      samples: [1, 3, 2, 3, 3].map((value, m): Sample => [m, value]),
      expected: ['3 raised 2'],
    },
    {
      name: 'stops are counted with state false',
      spec: { state: false, threshold: 1 },
      samples: starts(0, 10),
      expected: ['10.5 raised 2'],
    },
  ];

  it.each(cases)('$name', ({ spec, samples, tickTo, expected }) => {
    const counter = rule({ kind: 'counter', state: true, ...spec });
    expect(run(counter, samples, { tickTo }).transitions).toEqual(expected);
    expect(run(counter, samples, { tickTo, batch: 1 }).transitions).toEqual(expected);
  });

  it('keeps only the newest threshold + 1 transition times', () => {
    const samples = starts(...Array.from({ length: 40 }, (_, i) => i));
    const { state } = run(rule({ kind: 'counter', state: true, threshold: 6 }), samples);
    expect(state.window?.events).toHaveLength(7);
  });
});

describe('window rule bodies', () => {
  const base = { tagId: '00000000-0000-4000-8000-000000000003', name: 'Starts', severity: 'high' };
  const cases: { name: string; body: Record<string, unknown>; path: (string | number)[]; message: RegExp }[] =
    [
      {
        name: 'a window under a minute',
        body: { kind: 'counter', windowSeconds: 30, threshold: 6 },
        path: ['windowSeconds'],
        message: /at least 60 seconds/,
      },
      {
        name: 'a window over a day',
        body: { kind: 'totalizer', input: 'counter', windowSeconds: 86_401, threshold: 500 },
        path: ['windowSeconds'],
        message: /at most 86400 seconds/,
      },
      {
        name: 'a totalizer without its input',
        body: { kind: 'totalizer', windowSeconds: 3600, threshold: 500 },
        path: ['input'],
        message: /ratePerHour/,
      },
      {
        name: 'a counter threshold that is not whole',
        body: { kind: 'counter', windowSeconds: 3600, threshold: 6.5 },
        path: ['threshold'],
        message: /whole number/,
      },
      {
        name: 'a totalizer threshold of zero',
        body: { kind: 'totalizer', input: 'ratePerHour', windowSeconds: 3600, threshold: 0 },
        path: ['threshold'],
        message: /greater than 0/,
      },
    ];
  it.each(cases)('refuses $name, naming the field', ({ body, path, message }) => {
    const issue = createAlarmRuleSchema.safeParse({ ...base, ...body }).error?.issues[0];
    expect(issue?.path).toEqual(path);
    expect(issue?.message).toMatch(message);
  });

  it('takes a counter of pump starts with the run signal as default state, and a patch of its window', () => {
    const parsed = createAlarmRuleSchema.parse({
      ...base,
      kind: 'counter',
      windowSeconds: 3600,
      threshold: 6,
    });
    expect(parsed).toMatchObject({ kind: 'counter', state: true, deadband: 0 });
    expect(updateAlarmRuleSchema.parse({ windowSeconds: 1800 })).toEqual({ windowSeconds: 1800 });
  });

  it('reads a state stored before windows existed', () => {
    const stored = JSON.parse(
      JSON.stringify(initialAlarmRuleState(rule({ kind: 'counter', state: true, threshold: 1 }))),
    );
    delete stored.window;
    expect(alarmRuleStateSchema.parse(stored).window).toBeNull();
  });
});
