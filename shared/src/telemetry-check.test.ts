// The plain check against the schema it stands in for (ADR 0059): over thousands of generated
// messages, valid and broken one field at a time at each bound, the check never accepts what
// `telemetryMessageSchema` refuses, accepts the same data, and refuses only what the schema must
// decide (a string value over 1,000 UTF-16 units, which the schema measures in code points).
import { describe, expect, it } from 'vitest';
import { MAX_KEY_LENGTH } from './ids.ts';
import {
  epochMsSchema,
  MAX_POINTS_PER_MESSAGE,
  MAX_STRING_VALUE_LENGTH,
  telemetryMessageSchema,
  telemetryPointSchema,
  year2000Ms,
  year2100Ms,
} from './telemetry.ts';
import { checkedMessageKeys, checkedPointKeys, checkTelemetryMessage } from './telemetry-check.ts';

/** mulberry32: the same corpus on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOW = 1_780_000_000_000;
const keys = ['plc-1', 'a', 'A1', 'level.2', 'x_y-z', 'k'.repeat(MAX_KEY_LENGTH)];
const badKeys = ['', '-a', '_a', '.a', 'a b', 'ä', 'a/b', 'k'.repeat(MAX_KEY_LENGTH + 1), 7, null, true];
const gateways = ['gw-1', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'a:b.c_d', 'g'.repeat(64)];
const badGateways = ['', 'a/b', 'a+b', 'a#b', 'a b', 'é', 'g'.repeat(65), 12, null];
const times = [year2000Ms, year2100Ms, NOW, NOW + 1];
const badTimes = [
  year2000Ms - 1,
  year2100Ms + 1,
  NOW + 0.5,
  1_780_000_000,
  String(NOW),
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
];
const longest = 'a'.repeat(MAX_STRING_VALUE_LENGTH);
const values: unknown[] = [0, -0, 1.5, -1e308, 42, true, false, '', 'open', longest, '😀'.repeat(500)];
const badValues: unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  `${longest}a`,
  null,
  {},
  [],
  [1],
];
/** Over 1,000 UTF-16 units but 1,000 code points: the schema accepts it, the check leaves it to the schema. */
const deferredValues = [
  `${'a'.repeat(MAX_STRING_VALUE_LENGTH - 1)}😀`,
  '😀'.repeat(MAX_STRING_VALUE_LENGTH / 2 + 1),
];
const qualities = ['good', 'bad', 'uncertain'];
const badQualities = ['Good', '', 'ok', null, 1];
const seqs = [0, -0, 1, 2 ** 53 - 1];
const badSeqs = [-1, 1.5, 2 ** 53, '3', null, 1e21, Number.POSITIVE_INFINITY];

type Json = Record<string, unknown>;

function generate(seed: number): Json {
  const next = random(seed);
  const pick = <T>(from: readonly T[]): T => from[Math.floor(next() * from.length)] as T;
  const point = (): unknown => {
    const p = cleanPoint(pick);
    // At most one field of a point broken, as a faulty gateway would break it.
    switch (Math.floor(next() * 14)) {
      case 0:
        p.d = pick(badKeys);
        break;
      case 1:
        p.t = pick(badKeys);
        break;
      case 2:
        p.ts = pick(badTimes);
        break;
      case 3:
        p.v = pick(badValues);
        break;
      case 4:
        p.q = pick(badQualities);
        break;
      case 5:
        delete p[pick(checkedPointKeys)];
        break;
      case 6:
        p[pick(['x', 'value', 'quality'])] = 1;
        break;
      case 7:
        return pick([null, [], 'point', 3]);
      case 8:
        p.v = pick(deferredValues);
        break;
      default:
    }
    return p;
  };
  const size = pick([1, 1, 2, 5, 20]);
  const m: Json = {
    v: 1,
    gw: pick(gateways),
    seq: pick(seqs),
    // Most messages keep every point valid, so both outcomes are common in the corpus.
    points: Array.from({ length: size }, () => (next() < 0.85 ? cleanPoint(pick) : point())),
  };
  switch (Math.floor(next() * 12)) {
    case 0:
      m.v = pick([2, 0, '1', true, null]);
      break;
    case 1:
      m.gw = pick(badGateways);
      break;
    case 2:
      m.seq = pick(badSeqs);
      break;
    case 3:
      m.points = pick([[], {}, null, 'points']);
      break;
    case 4:
      delete m[pick(checkedMessageKeys)];
      break;
    case 5:
      m.extra = true;
      break;
    default:
  }
  return m;
}

function cleanPoint(pick: <T>(from: readonly T[]) => T): Json {
  return { d: pick(keys), t: pick(keys), ts: pick(times), v: pick(values), q: pick(qualities) };
}

const holdsDeferredValue = (message: unknown): boolean =>
  Array.isArray((message as Json).points) &&
  ((message as Json).points as unknown[]).some(
    (p) =>
      typeof p === 'object' &&
      p !== null &&
      typeof (p as Json).v === 'string' &&
      ((p as Json).v as string).length > MAX_STRING_VALUE_LENGTH,
  );

/** Both verdicts; throws with the message when they disagree in a way the check may not. */
function compare(message: unknown): 'accepted' | 'refused' | 'deferred' {
  const fast = checkTelemetryMessage(message);
  const schema = telemetryMessageSchema.safeParse(message);
  if (fast !== null) {
    expect(schema.success, JSON.stringify(message)).toBe(true);
    expect(fast).toEqual(schema.data);
    return 'accepted';
  }
  if (schema.success) {
    expect(holdsDeferredValue(message), JSON.stringify(message)).toBe(true);
    return 'deferred';
  }
  return 'refused';
}

describe('checkTelemetryMessage against telemetryMessageSchema', () => {
  it('checks the fields the schema has, with the schema bounds', () => {
    expect(Object.keys(telemetryMessageSchema.shape)).toEqual([...checkedMessageKeys]);
    expect(Object.keys(telemetryPointSchema.shape)).toEqual([...checkedPointKeys]);
    expect([epochMsSchema.minValue, epochMsSchema.maxValue]).toEqual([year2000Ms, year2100Ms]);
  });

  it('agrees on 20,000 generated messages, valid and broken at each bound', () => {
    const outcomes = { accepted: 0, refused: 0, deferred: 0 };
    for (let seed = 1; seed <= 20_000; seed += 1) outcomes[compare(generate(seed))] += 1;
    // The corpus is worth something only if it holds plenty of each.
    expect(outcomes.accepted).toBeGreaterThan(5_000);
    expect(outcomes.refused).toBeGreaterThan(5_000);
    expect(outcomes.deferred).toBeGreaterThan(50);
  });

  it('agrees on what only JSON text can hold', () => {
    const point = `{"d":"plc-1","t":"level","ts":${NOW},"v":1,"q":"good"}`;
    const texts = [
      `{"v":1,"gw":"gw-1","seq":1,"points":[${point}]}`,
      `{"v":1,"gw":"gw-1","seq":1,"points":[${point}],"__proto__":{}}`,
      `{"v":1,"gw":"gw-1","seq":1,"points":[{"d":"plc-1","t":"level","ts":${NOW},"v":1,"q":"good","__proto__":1}]}`,
      `{"v":1,"gw":"gw-1","seq":1,"points":[{"d":"plc-1","t":"level","ts":${NOW},"v":1e400,"q":"good"}]}`,
      `{"v":1,"gw":"gw-1","seq":1,"seq":-1,"points":[${point}]}`,
      `{"v":1.0,"gw":"gw-1","seq":1e2,"points":[${point}]}`,
    ];
    expect(texts.map((text) => compare(JSON.parse(text)))).toEqual([
      'accepted',
      'refused',
      'refused',
      'refused',
      'refused',
      'accepted',
    ]);
  });

  it('agrees at the point-count bounds', () => {
    const points = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ d: 'plc-1', t: `t${i % 200}`, ts: NOW + i, v: i, q: 'good' }));
    expect(compare({ v: 1, gw: 'gw-1', seq: 0, points: points(MAX_POINTS_PER_MESSAGE) })).toBe('accepted');
    expect(compare({ v: 1, gw: 'gw-1', seq: 0, points: points(MAX_POINTS_PER_MESSAGE + 1) })).toBe('refused');
  });

  it('hands on the message itself, not a copy', () => {
    const message = { v: 1, gw: 'gw-1', seq: 3, points: [{ d: 'plc-1', t: 'x', ts: NOW, v: 2, q: 'good' }] };
    expect(checkTelemetryMessage(message)).toBe(message);
  });
});
