// Which decisions may be written behind (ADR 0047): bookkeeping only, never a transition, a condition
// or delay starting, or a previous sample the rule's next decision reads.
import { type AlarmRule, alarmRuleSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { evaluateSamples, initialAlarmRuleState } from './engine.ts';
import { createAlarmStateCache } from './state-cache.ts';
import { onlyBookkeeping } from './write-behind.ts';

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
let next = 100;

function rule(spec: Record<string, unknown>): AlarmRule {
  next += 1;
  return alarmRuleSchema.parse({
    id: `00000000-0000-4000-8000-000000000${next}`,
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
    ...spec,
  });
}

const hi = (extra: Record<string, unknown> = {}) =>
  rule({ kind: 'limit', levels: [{ level: 'hi', threshold: 80, severity: 'high' }], ...extra });
const deviceCommLoss = () =>
  rule({
    kind: 'commLoss',
    tagId: null,
    severity: 'high',
    afterSeconds: 60,
    scope: 'device',
    deviceId: '00000000-0000-4000-8000-000000000009',
    gatewayId: '00000000-0000-4000-8000-000000000008',
  });

/** The rule's state after `first`, then whether `then` changes only bookkeeping. */
function judge(
  alarmRule: AlarmRule,
  first: [number, number | boolean][],
  then: [number, number | boolean][],
) {
  const sample = ([s, value]: [number, number | boolean]) => ({
    ts: T0 + s * 1000,
    value,
    quality: 'good' as const,
  });
  const before = evaluateSamples(alarmRule, initialAlarmRuleState(alarmRule), first.map(sample)).state;
  return onlyBookkeeping(alarmRule, before, evaluateSamples(alarmRule, before, then.map(sample)));
}

describe('onlyBookkeeping', () => {
  it.each([
    [
      'a limit rule, values moving below the limit',
      hi(),
      [[0, 10]],
      [
        [1, 20],
        [2, 30],
      ],
      true,
    ],
    ['a limit rule, crossing the limit (a raise)', hi(), [[0, 10]], [[1, 85]], false],
    ['a limit rule, staying above it (active, value carried)', hi(), [[0, 85]], [[1, 90]], true],
    ['a limit rule, back below it (a clear)', hi(), [[0, 85]], [[1, 10]], false],
    ['an on-delay starting (condition since)', hi({ onDelayMs: 60_000 }), [[0, 10]], [[1, 85]], false],
    ['an on-delay running on', hi({ onDelayMs: 60_000 }), [[0, 85]], [[1, 86]], true],
    [
      'a level digital rule, unchanged',
      rule({ kind: 'digital', severity: 'high', trigger: 'true' }),
      [[0, false]],
      [[1, false]],
      true,
    ],
    [
      'a rising-edge rule: its previous sample is read',
      rule({ kind: 'digital', severity: 'high', trigger: 'rising' }),
      [[0, true]],
      [[1, false]],
      false,
    ],
    [
      'a rate-of-change rule: its previous sample is read',
      rule({ kind: 'rateOfChange', severity: 'high', perMinute: 100, direction: 'up' }),
      [[0, 1]],
      [[1, 2]],
      false,
    ],
    ['a device comm-loss rule, data arriving', deviceCommLoss(), [[0, 1]], [[1, 2]], true],
  ] as const)('%s: %s', (_name, alarmRule, first, then, expected) => {
    expect(
      judge(alarmRule, [...first] as [number, number | boolean][], [...then] as [number, number | boolean][]),
    ).toBe(expected);
  });
});

describe('the state cache with write-behind', () => {
  it('keeps a deferred state dirty on its stored version, and settles it by what the store wrote', () => {
    const alarmRule = hi();
    const cache = createAlarmStateCache({ writeBehind: true });
    const stored = initialAlarmRuleState(alarmRule);
    cache.set(alarmRule, stored, 3);
    const newer = { ...stored, lastSampleTs: T0 };
    cache.defer('tenant-a', alarmRule, newer);
    expect(cache.dirtyCount).toBe(1);
    const [sent] = cache.dirty().get('tenant-a') ?? [];
    expect(sent).toMatchObject({ ruleId: alarmRule.id, version: 3, state: newer, siteId: alarmRule.siteId });
    if (!sent) throw new Error('nothing dirty');

    // Moved on while the write was under way: written, but still dirty at the new version.
    const newest = { ...stored, lastSampleTs: T0 + 1000 };
    cache.defer('tenant-a', alarmRule, newest);
    cache.settle([sent], new Map([[alarmRule.id, 4]]));
    expect(cache.get(alarmRule)).toMatchObject({ version: 4, state: newest, dirtyFor: 'tenant-a' });
    expect(cache.dirtyCount).toBe(1);

    // Refused by the store (someone else wrote it): forgotten, so the next batch reads it under lock.
    const [again] = cache.dirty().get('tenant-a') ?? [];
    if (!again) throw new Error('nothing dirty');
    cache.settle([again], new Map());
    expect(cache.get(alarmRule)).toBeUndefined();
    expect(cache.dirtyCount).toBe(0);
  });

  it('keeps nothing to write behind where no write-behind runs', () => {
    const alarmRule = hi();
    const cache = createAlarmStateCache();
    expect(cache.writesBehind).toBe(false);
    cache.set(alarmRule, initialAlarmRuleState(alarmRule), 1);
    cache.defer('tenant-a', alarmRule, { ...initialAlarmRuleState(alarmRule), lastSampleTs: T0 });
    // defer is only called where writesBehind is set; the cache still keeps it consistently
    expect(cache.dirty().get('tenant-a')?.length).toBe(1);
    cache.set(alarmRule, initialAlarmRuleState(alarmRule), 2);
    expect(cache.dirtyCount).toBe(0);
  });
});
