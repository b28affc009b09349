// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Timer-based derived tags (ADR 0051), the pure part: the period schedule, sample and hold, and the
// quality of a result whose inputs have gone quiet.
import type { DerivedTag } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { computeDerivedSamples, type Sample, siteDerivedTags, withStaleness } from './calculator.ts';
import { computePeriodicSamples, dueBoundaries, periodBoundaries, valueAt } from './periodic.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);

describe('period boundaries', () => {
  const cases: {
    name: string;
    periodMs: number;
    from: number;
    to: number;
    max?: number;
    expected: number[];
  }[] = [
    {
      name: 'whole minutes in (from, to]',
      periodMs: MIN,
      from: T0 - 1,
      to: T0 + 2 * MIN,
      expected: [T0, T0 + MIN, T0 + 2 * MIN],
    },
    {
      name: 'not the boundary at from (the last run had it)',
      periodMs: MIN,
      from: T0,
      to: T0 + MIN,
      expected: [T0 + MIN],
    },
    { name: 'the boundary at to', periodMs: MIN, from: T0 + 1, to: T0 + MIN, expected: [T0 + MIN] },
    { name: 'none inside a period', periodMs: MIN, from: T0 + 1_000, to: T0 + 59_000, expected: [] },
    { name: 'none in an empty window', periodMs: 1_000, from: T0, to: T0, expected: [] },
    { name: 'none in a window backwards', periodMs: 1_000, from: T0 + 5_000, to: T0, expected: [] },
    {
      name: 'every second',
      periodMs: 1_000,
      from: T0 + 500,
      to: T0 + 3_200,
      expected: [T0 + 1_000, T0 + 2_000, T0 + 3_000],
    },
    {
      name: 'whole hours, UTC',
      periodMs: 3_600_000,
      from: T0 - 3 * MIN,
      to: T0 + 61 * MIN,
      expected: [T0, T0 + 60 * MIN],
    },
    {
      name: 'odd periods on multiples since the epoch',
      periodMs: 7_000,
      from: 0,
      to: 21_000,
      expected: [7_000, 14_000, 21_000],
    },
    {
      name: 'only the newest after a long pause',
      periodMs: 1_000,
      from: T0,
      to: T0 + 10_000,
      max: 3,
      expected: [T0 + 8_000, T0 + 9_000, T0 + 10_000],
    },
  ];
  it.each(cases)('$name', ({ periodMs, from, to, max, expected }) => {
    expect(periodBoundaries(periodMs, from, to, max)).toEqual(expected);
  });
});

describe('sample and hold', () => {
  const timeline: Sample[] = [
    { ts: 10, value: 1, quality: 'good' },
    { ts: 20, value: 2, quality: 'good' },
    { ts: 30, value: 3, quality: 'bad' },
  ];
  const cases: { at: number; expected: number | string | undefined }[] = [
    { at: 9, expected: undefined },
    { at: 10, expected: 1 },
    { at: 19, expected: 1 },
    { at: 20, expected: 2 },
    { at: 29, expected: 2 },
    { at: 30, expected: 3 },
    { at: 1_000, expected: 3 },
  ];
  it.each(cases)('holds the newest value at or before $at', ({ at, expected }) => {
    expect(valueAt(timeline, at)?.value).toBe(expected);
  });
  it('has nothing to hold on an empty timeline', () => {
    expect(valueAt([], T0)).toBeUndefined();
  });
});

describe('staleness', () => {
  const at = T0;
  const cases: {
    name: string;
    input: Sample | undefined;
    staleAfterMs: number | null;
    expected: string | undefined;
  }[] = [
    {
      name: 'a good input heard from within the limit stays good',
      input: { ts: at - 59_000, value: 1, quality: 'good' },
      staleAfterMs: MIN,
      expected: 'good',
    },
    {
      name: 'a good input exactly at the limit stays good',
      input: { ts: at - MIN, value: 1, quality: 'good' },
      staleAfterMs: MIN,
      expected: 'good',
    },
    {
      name: 'a good input older than the limit is uncertain',
      input: { ts: at - MIN - 1, value: 1, quality: 'good' },
      staleAfterMs: MIN,
      expected: 'uncertain',
    },
    {
      name: 'an uncertain input stays uncertain',
      input: { ts: at - 10 * MIN, value: 1, quality: 'uncertain' },
      staleAfterMs: MIN,
      expected: 'uncertain',
    },
    {
      name: 'a bad input stays bad',
      input: { ts: at - 10 * MIN, value: 'x', quality: 'bad' },
      staleAfterMs: MIN,
      expected: 'bad',
    },
    {
      name: 'without a limit a day-old input stays good',
      input: { ts: at - 86_400_000, value: 1, quality: 'good' },
      staleAfterMs: null,
      expected: 'good',
    },
    { name: 'a missing input stays missing', input: undefined, staleAfterMs: MIN, expected: undefined },
  ];
  it.each(cases)('$name', ({ input, staleAfterMs, expected }) => {
    expect(withStaleness([input], at, staleAfterMs)[0]?.quality).toBe(expected);
  });
});

const SITE = '018f0000-0000-7000-8000-000000000001';
const INLET = '018f0000-0000-7000-8000-0000000000a1';
const OUTLET = '018f0000-0000-7000-8000-0000000000a2';

function derivedTag(
  fields: Partial<DerivedTag> & Pick<DerivedTag, 'id' | 'key' | 'formula' | 'inputs'>,
): DerivedTag {
  return {
    tenantId: '018f0000-0000-7000-8000-0000000000f0',
    siteId: SITE,
    name: fields.key,
    description: '',
    unit: '',
    periodSeconds: null,
    staleAfterSeconds: null,
    createdAt: new Date(T0 - 86_400_000).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    ...fields,
  };
}

const refs = new Map([
  [INLET, { gatewayId: 'gw', deviceKey: 'inlet', tagKey: 'flow' }],
  [OUTLET, { gatewayId: 'gw', deviceKey: 'outlet', tagKey: 'flow' }],
]);
const BALANCE = '018f0000-0000-7000-8000-0000000000b1';
const balance = (fields: Partial<DerivedTag> = {}) =>
  derivedTag({
    id: BALANCE,
    key: 'balance',
    formula: '${inlet:flow} - ${outlet:flow}',
    inputs: [
      { reference: '${inlet:flow}', kind: 'tag', id: INLET },
      { reference: '${outlet:flow}', kind: 'tag', id: OUTLET },
    ],
    periodSeconds: 60,
    ...fields,
  });
const good = (ts: number, value: number): Sample => ({ ts, value, quality: 'good' });

describe('periodic samples', () => {
  it('computes each boundary from the values held then, a change mid-window counting from its time on', () => {
    const site = siteDerivedTags(SITE, [balance()], refs);
    const due = dueBoundaries(site.ordered, T0 - 1, T0 + 3 * MIN);
    const samples = computePeriodicSamples(
      site.ordered,
      due,
      new Map([
        [INLET, [good(T0 - 30 * MIN, 100), good(T0 + 90_000, 130)]],
        [OUTLET, [good(T0 - 45 * MIN, 98)]],
      ]),
    );
    expect(samples.get(BALANCE)).toEqual([
      good(T0, 2),
      good(T0 + MIN, 2),
      good(T0 + 2 * MIN, 32),
      good(T0 + 3 * MIN, 32),
    ]);
  });

  it('marks a boundary uncertain once an input has been quiet for longer than staleAfter', () => {
    const site = siteDerivedTags(SITE, [balance({ staleAfterSeconds: 120 })], refs);
    const due = dueBoundaries(site.ordered, T0 - 1, T0 + 3 * MIN);
    const samples = computePeriodicSamples(
      site.ordered,
      due,
      new Map([
        [INLET, [good(T0, 10), good(T0 + 3 * MIN, 10)]],
        [OUTLET, [good(T0, 4)]],
      ]),
    );
    expect(samples.get(BALANCE)?.map((sample) => sample.quality)).toEqual([
      'good',
      'good',
      'good',
      'uncertain',
    ]);
    expect(samples.get(BALANCE)?.map((sample) => sample.value)).toEqual([6, 6, 6, 6]);
  });

  it('is bad, saying why, at boundaries before an input has any value', () => {
    const site = siteDerivedTags(SITE, [balance()], refs);
    const due = dueBoundaries(site.ordered, T0 - 1, T0 + MIN);
    const samples = computePeriodicSamples(
      site.ordered,
      due,
      new Map([
        [INLET, [good(T0 - MIN, 10)]],
        [OUTLET, [good(T0 + 30_000, 4)]],
      ]),
    );
    expect(samples.get(BALANCE)).toEqual([
      { ts: T0, value: '${outlet:flow} has no value yet', quality: 'bad' },
      good(T0 + MIN, 6),
    ]);
  });

  it('feeds a periodic tag that reads another with the values of the same run', () => {
    const totalId = '018f0000-0000-7000-8000-0000000000b2';
    const total = derivedTag({
      id: totalId,
      key: 'doubled',
      formula: '${balance} * 2',
      inputs: [{ reference: '${balance}', kind: 'derived', id: BALANCE }],
      periodSeconds: 30,
    });
    const site = siteDerivedTags(SITE, [total, balance()], refs);
    const due = dueBoundaries(site.ordered, T0 - 1, T0 + MIN);
    expect(due.get(BALANCE)).toEqual([T0, T0 + MIN]);
    expect(due.get(totalId)).toEqual([T0, T0 + 30_000, T0 + MIN]);
    const samples = computePeriodicSamples(
      site.ordered,
      due,
      new Map([
        [INLET, [good(T0 - MIN, 10), good(T0 + 45_000, 20)]],
        [OUTLET, [good(T0 - MIN, 4)]],
        // what the store held of the balance before the run: older than the run's first boundary
        [BALANCE, [good(T0 - MIN, 99)]],
      ]),
    );
    expect(samples.get(totalId)?.map((sample) => sample.value)).toEqual([12, 12, 32]);
  });

  it('computes no boundary before the tag was created', () => {
    const site = siteDerivedTags(SITE, [balance({ createdAt: new Date(T0 + 30_000).toISOString() })], refs);
    expect(dueBoundaries(site.ordered, T0 - 10 * MIN, T0 + 2 * MIN).get(BALANCE)).toEqual([
      T0 + MIN,
      T0 + 2 * MIN,
    ]);
  });

  it('leaves out derived tags without a period', () => {
    const site = siteDerivedTags(SITE, [balance({ periodSeconds: null })], refs);
    expect(dueBoundaries(site.ordered, T0 - 1, T0 + 10 * MIN).size).toBe(0);
  });
});

describe('staleness on ingest', () => {
  it('makes a change uncertain when the other input was last heard from longer ago than staleAfter', () => {
    const site = siteDerivedTags(SITE, [balance({ periodSeconds: null, staleAfterSeconds: 600 })], refs);
    const samples = computeDerivedSamples(
      site.ordered,
      new Map([[INLET, [good(T0, 50), good(T0 + 20 * MIN, 60)]]]),
      new Map([[OUTLET, good(T0 - 5 * MIN, 40)]]),
    );
    expect(samples.get(BALANCE)).toEqual([
      good(T0, 10),
      { ts: T0 + 20 * MIN, value: 20, quality: 'uncertain' },
    ]);
  });

  it('leaves it good without staleAfter, as before', () => {
    const site = siteDerivedTags(SITE, [balance({ periodSeconds: null })], refs);
    const samples = computeDerivedSamples(
      site.ordered,
      new Map([[INLET, [good(T0 + 20 * MIN, 60)]]]),
      new Map([[OUTLET, good(T0 - 5 * MIN, 40)]]),
    );
    expect(samples.get(BALANCE)).toEqual([good(T0 + 20 * MIN, 20)]);
  });
});
