import { telemetryMessageSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { isPlainTelemetryMessage } from './telemetry-fast-check.ts';

const ts = Date.UTC(2026, 0, 1);
const point = { d: 'plc-1', t: 'level', ts, v: 1.5, q: 'good' };
const message = (changes: Record<string, unknown> = {}, pointChanges: Record<string, unknown> = {}) => ({
  v: 1,
  gw: 'gw-1',
  seq: 7,
  points: [{ ...point, ...pointChanges }],
  ...changes,
});
const withoutKey = (object: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));

// Each case: what zod says is the truth; the plain check must never accept what zod refuses, and
// should accept the ordinary messages (otherwise the fast path is never taken).
const cases: [string, unknown][] = [
  ['a number value', message()],
  ['a boolean value', message({}, { v: true })],
  ['a text value', message({}, { v: 'running' })],
  [
    'bad and uncertain quality',
    {
      ...message(),
      points: [
        { ...point, q: 'bad' },
        { ...point, q: 'uncertain' },
      ],
    },
  ],
  ['seq 0', message({ seq: 0 })],
  ['keys with "_", "." and "-"', message({}, { d: 'a_b.c-d', t: '9x' })],
  ['a key of 64 characters', message({}, { t: 'k'.repeat(64) })],
  ['the last time accepted', message({}, { ts: 4_102_444_800_000 })],
  ['text of 1000 characters', message({}, { v: 'x'.repeat(1000) })],
  ['version 2', message({ v: 2 })],
  ['an extra message field', message({ extra: 1 })],
  ['a missing seq', withoutKey(message(), 'seq')],
  ['a negative seq', message({ seq: -1 })],
  ['a fractional seq', message({ seq: 1.5 })],
  ['seq as a string', message({ seq: '7' })],
  ['gw with a slash', message({ gw: 'a/b' })],
  ['gw empty', message({ gw: '' })],
  ['no points', message({ points: [] })],
  ['points not an array', message({ points: {} })],
  ['10,001 points', message({ points: Array.from({ length: 10_001 }, () => point) })],
  ['an extra point field', message({}, { x: 1 })],
  ['a missing quality', { ...message(), points: [withoutKey(point, 'q')] }],
  ['an unknown quality', message({}, { q: 'GOOD' })],
  ['an empty key', message({}, { d: '' })],
  ['a key starting with "-"', message({}, { t: '-x' })],
  ['a key of 65 characters', message({}, { t: 'k'.repeat(65) })],
  ['a key with a space', message({}, { t: 'a b' })],
  ['time in seconds', message({}, { ts: 1_767_225_600 })],
  ['time after 2100', message({}, { ts: 4_102_444_800_001 })],
  ['a fractional time', message({}, { ts: ts + 0.5 })],
  ['text of 1001 characters', message({}, { v: 'x'.repeat(1001) })],
  ['a null value', message({}, { v: null })],
  ['an object value', message({}, { v: { n: 1 } })],
  ['NaN', message({}, { v: Number.NaN })],
  ['Infinity', message({}, { v: Number.POSITIVE_INFINITY })],
  ['a point that is an array', message({ points: [[1, 2]] })],
  ['a message that is an array', [message()]],
  ['null', null],
  [
    'a __proto__ key from JSON',
    JSON.parse(`{"v":1,"gw":"g","seq":1,"points":[${JSON.stringify(point)}],"__proto__":{}}`),
  ],
];

describe('the plain telemetry check beside the zod schema', () => {
  it.each(cases)('agrees with zod on %s', (_, candidate) => {
    const zod = telemetryMessageSchema.safeParse(candidate);
    const plain = isPlainTelemetryMessage(candidate);
    expect(plain).toBe(zod.success);
    if (plain) expect(zod.data).toEqual(candidate);
  });
});
