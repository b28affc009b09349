// Per-level hysteresis and delays of a limit stack (ADR 0045): each level crosses in and out on its
// own deadband and delays, and a level without them uses the rule's, as every rule saved before did.
import { type AlarmRule, alarmRuleSchema, createAlarmRuleSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { type AlarmTransition, evaluateSamples, initialAlarmRuleState, tick } from './engine.ts';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const at = (seconds: number) => T0 + seconds * 1000;

function limitRule(levels: Record<string, unknown>[], common: Record<string, unknown> = {}): AlarmRule {
  return alarmRuleSchema.parse({
    kind: 'limit',
    id: '00000000-0000-4000-8000-000000000101',
    tenantId: '00000000-0000-4000-8000-000000000001',
    siteId: '00000000-0000-4000-8000-000000000002',
    tagId: '00000000-0000-4000-8000-000000000003',
    name: 'Wet well level',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    levels,
    ...common,
  });
}

/** One sample a second from T0; the transitions as "second level kind". */
function run(rule: AlarmRule, values: number[], tickTo?: number): string[] {
  const samples = values.map((value, index) => ({ ts: at(index), value, quality: 'good' as const }));
  const first = evaluateSamples(rule, initialAlarmRuleState(rule), samples);
  const transitions: AlarmTransition[] = [...first.transitions];
  if (tickTo !== undefined) transitions.push(...tick(rule, first.state, at(tickTo)).transitions);
  return transitions.map((t) => `${(t.at - T0) / 1000} ${t.key} ${t.kind}`);
}

const hihi = { level: 'hihi', threshold: 90, severity: 'critical' };
const hi = { level: 'hi', threshold: 80, severity: 'high' };
const lo = { level: 'lo', threshold: 20, severity: 'medium' };
const lolo = { level: 'lolo', threshold: 10, severity: 'critical' };

describe('per-level hysteresis and delays', () => {
  const cases: {
    name: string;
    levels: Record<string, unknown>[];
    common?: Record<string, unknown>;
    values: number[];
    tickTo?: number;
    expected: string[];
  }[] = [
    {
      name: 'a level without its own deadband uses the rule’s, as before',
      levels: [hihi, hi],
      common: { deadband: 2 },
      values: [81, 79, 77.9],
      expected: ['0 hi raised', '2 hi cleared'],
    },
    {
      name: 'Hi clears on its own deadband while HiHi keeps the rule’s',
      levels: [{ ...hihi }, { ...hi, deadband: 5 }],
      common: { deadband: 1 },
      values: [91, 89.5, 88.9, 76, 74.9],
      expected: ['0 hihi raised', '0 hi raised', '2 hihi cleared', '4 hi cleared'],
    },
    {
      name: 'a deadband of 0 on a level overrides the rule’s deadband',
      levels: [{ ...hi, deadband: 0 }],
      common: { deadband: 5 },
      values: [81, 79.9],
      expected: ['0 hi raised', '1 hi cleared'],
    },
    {
      name: 'Lo and LoLo cross out upwards on their own deadbands',
      levels: [
        { ...lo, deadband: 3 },
        { ...lolo, deadband: 0.5 },
      ],
      values: [9, 10.4, 10.6, 22.9, 23.1],
      expected: ['0 lo raised', '0 lolo raised', '2 lolo cleared', '4 lo cleared'],
    },
    {
      name: 'HiHi raises at once while Hi waits out its own on-delay',
      levels: [hihi, { ...hi, onDelayMs: 3000 }],
      values: [95, 95, 95, 95, 95],
      expected: ['0 hihi raised', '3 hi raised'],
    },
    {
      name: 'a level’s on-delay filters a short excursion the rule’s would not',
      levels: [{ ...hihi, onDelayMs: 5000 }, hi],
      values: [92, 92, 85, 85],
      expected: ['0 hi raised'],
    },
    {
      name: 'a level without delays uses the rule’s on-delay',
      levels: [{ ...hihi, onDelayMs: 0 }, hi],
      common: { onDelayMs: 2000 },
      values: [92, 92, 92],
      expected: ['0 hihi raised', '2 hi raised'],
    },
    {
      name: 'each level clears after its own off-delay, also by time alone',
      levels: [
        { ...hihi, offDelayMs: 1000 },
        { ...hi, offDelayMs: 10_000 },
      ],
      values: [95, 50],
      tickTo: 30,
      expected: ['0 hihi raised', '0 hi raised', '2 hihi cleared', '11 hi cleared'],
    },
    {
      name: 'mixed: Hi’s deadband holds it through the dips HiHi’s off-delay ignores',
      levels: [
        { ...hihi, deadband: 0, offDelayMs: 2000 },
        { ...hi, deadband: 4, onDelayMs: 1000 },
      ],
      values: [91, 89, 91, 89, 89, 89, 77, 75],
      expected: ['0 hihi raised', '1 hi raised', '5 hihi cleared', '7 hi cleared'],
    },
  ];

  it.each(cases)('$name', ({ levels, common, values, tickTo, expected }) => {
    expect(run(limitRule(levels, common), values, tickTo)).toEqual(expected);
  });

  it('keeps a rule saved before per-level settings existed exactly as it was', () => {
    const saved = limitRule([hihi, hi], { deadband: 1, onDelayMs: 1000 });
    expect(saved.kind === 'limit' && saved.levels.every((level) => level.deadband === undefined)).toBe(true);
    expect(run(saved, [91, 91, 89.5, 88.9])).toEqual(['1 hihi raised', '1 hi raised', '3 hihi cleared']);
  });

  it('refuses a negative level deadband and a delay over a day, naming the level’s field', () => {
    const body = (level: Record<string, unknown>) =>
      createAlarmRuleSchema.safeParse({
        kind: 'limit',
        tagId: '00000000-0000-4000-8000-000000000003',
        name: 'Level',
        levels: [hihi, level],
      });
    expect(body({ ...hi, deadband: -1 }).error?.issues[0]).toMatchObject({
      path: ['levels', 1, 'deadband'],
      message: 'must not be negative',
    });
    expect(body({ ...hi, offDelayMs: 86_400_001 }).error?.issues[0]?.path).toEqual([
      'levels',
      1,
      'offDelayMs',
    ]);
  });
});
