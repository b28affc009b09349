import { describe, expect, it } from 'vitest';
import { onCallContactId, type RotationForOnCall } from './on-call.ts';

const daily = (over: Partial<RotationForOnCall> = {}): RotationForOnCall => ({
  timeZone: 'UTC',
  handoffTime: '08:00',
  period: 'daily',
  handoffDay: null,
  members: ['A', 'B', 'C'],
  overrides: [],
  createdAt: '2026-01-05T12:00:00.000Z',
  ...over,
});

const weekly = (over: Partial<RotationForOnCall> = {}): RotationForOnCall =>
  daily({ period: 'weekly', ...over });

type Case = [name: string, rotation: RotationForOnCall, at: string, expected: string];

function table(cases: Case[]) {
  it.each(cases)('%s', (_name, rotation, at, expected) => {
    expect(onCallContactId(rotation, new Date(at))).toBe(expected);
  });
}

describe('onCallContactId: daily hand-offs', () => {
  table([
    ['gives the first member the duty from the creation', daily(), '2026-01-05T12:00:00.000Z', 'A'],
    ['keeps the first member until just before the next hand-off', daily(), '2026-01-06T07:59:59.999Z', 'A'],
    ['hands off exactly at the hand-off time', daily(), '2026-01-06T08:00:00.000Z', 'B'],
    ['hands off to each member in order', daily(), '2026-01-07T08:00:00.000Z', 'C'],
    ['wraps around to the first member after the last', daily(), '2026-01-08T08:00:00.000Z', 'A'],
    ['counts hand-offs over a whole year (365 mod 3 = 2)', daily(), '2027-01-05T12:00:00.000Z', 'C'],
    ['does not count a hand-off earlier on the creation day', daily(), '2026-01-05T08:00:00.000Z', 'A'],
    ['runs the sequence backwards before the creation', daily(), '2026-01-05T07:59:00.000Z', 'C'],
    [
      'starts with the first member when created exactly at a hand-off',
      daily({ createdAt: '2026-01-05T08:00:00.000Z' }),
      '2026-01-06T07:59:00.000Z',
      'A',
    ],
    ['always names a single member', daily({ members: ['solo'] }), '2031-07-04T03:00:00.000Z', 'solo'],
    [
      'hands off at the local time of a half-hour zone (09:00 Kolkata = 03:30 UTC)',
      daily({ timeZone: 'Asia/Kolkata', handoffTime: '09:00', createdAt: '2026-01-05T04:00:00.000Z' }),
      '2026-01-06T03:30:00.000Z',
      'B',
    ],
    [
      'is still on the previous shift a minute before the local hand-off in a half-hour zone',
      daily({ timeZone: 'Asia/Kolkata', handoffTime: '09:00', createdAt: '2026-01-05T04:00:00.000Z' }),
      '2026-01-06T03:29:00.000Z',
      'A',
    ],
    [
      'hands off at local midnight west of UTC (00:00 Los Angeles = 08:00 UTC in winter)',
      daily({ timeZone: 'America/Los_Angeles', handoffTime: '00:00', createdAt: '2026-01-05T20:00:00.000Z' }),
      '2026-01-06T08:00:00.000Z',
      'B',
    ],
  ]);
});

describe('onCallContactId: weekly hand-offs', () => {
  // created on Wednesday 2026-01-07; London is on GMT (UTC+0) in January, BST (UTC+1) in June
  const monday9 = weekly({
    timeZone: 'Europe/London',
    handoffTime: '09:00',
    handoffDay: 1,
    members: ['A', 'B'],
    createdAt: '2026-01-07T10:00:00.000Z',
  });
  const sunday0 = weekly({ handoffTime: '00:00', handoffDay: 0, createdAt: '2026-01-10T12:00:00.000Z' });
  table([
    ['keeps the first member until the first hand-off day', monday9, '2026-01-12T08:59:00.000Z', 'A'],
    ['hands off on the hand-off day at the hand-off time', monday9, '2026-01-12T09:00:00.000Z', 'B'],
    ['does not hand off on other days at that time', monday9, '2026-01-13T09:00:00.000Z', 'B'],
    ['hands back a week later', monday9, '2026-01-19T09:00:00.000Z', 'A'],
    ['follows summer time: 09:00 BST is 08:00 UTC (21st hand-off)', monday9, '2026-06-01T08:00:00.000Z', 'B'],
    ['is still on the 20th shift an instant before 09:00 BST', monday9, '2026-06-01T07:59:00.000Z', 'A'],
    ['hands off on Sunday (day 0) at midnight', sunday0, '2026-01-11T00:00:00.000Z', 'B'],
    ['keeps the week until the next Sunday', sunday0, '2026-01-17T23:59:00.000Z', 'B'],
    ['moves on the following Sunday', sunday0, '2026-01-18T00:00:00.000Z', 'C'],
    [
      'counts a hand-off before creation exactly at its instant as already passed',
      sunday0,
      '2026-01-04T00:00:00.000Z',
      'A',
    ],
    ['runs the weeks backwards before the creation', sunday0, '2026-01-03T23:59:00.000Z', 'C'],
  ]);
});

describe('onCallContactId: daylight-saving changes', () => {
  // Europe/London: 2026-03-29 01:00 GMT → 02:00 BST; 2026-10-25 02:00 BST → 01:00 GMT
  const springLondon = daily({
    timeZone: 'Europe/London',
    handoffTime: '01:30',
    members: ['A', 'B'],
    createdAt: '2026-03-27T12:00:00.000Z',
  });
  const fallLondon = daily({
    timeZone: 'Europe/London',
    handoffTime: '01:30',
    members: ['A', 'B'],
    createdAt: '2026-10-23T12:00:00.000Z',
  });
  // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST
  const springNewYork = daily({
    timeZone: 'America/New_York',
    handoffTime: '02:30',
    members: ['A', 'B'],
    createdAt: '2026-03-06T12:00:00.000Z',
  });
  const eightLondon = daily({
    timeZone: 'Europe/London',
    members: ['A', 'B'],
    createdAt: '2026-03-27T12:00:00.000Z',
  });
  table([
    ['hands off at 01:30 GMT the day before spring forward', springLondon, '2026-03-28T01:30:00.000Z', 'B'],
    [
      'moves a hand-off in the spring-forward gap to after it (01:30 → 02:30 BST = 01:30 UTC)',
      springLondon,
      '2026-03-29T01:30:00.000Z',
      'A',
    ],
    ['does not hand off before the gap-shifted time', springLondon, '2026-03-29T01:29:00.000Z', 'B'],
    [
      'hands off at 01:30 BST (00:30 UTC) the day after spring forward',
      springLondon,
      '2026-03-30T00:30:00.000Z',
      'B',
    ],
    ['is still on the previous shift just before it', springLondon, '2026-03-30T00:29:00.000Z', 'A'],
    [
      'moves a New York hand-off in the gap by the gap (02:30 → 03:30 EDT = 07:30 UTC)',
      springNewYork,
      '2026-03-08T07:30:00.000Z',
      'A',
    ],
    ['keeps New York at 02:30 EDT (06:30 UTC) afterwards', springNewYork, '2026-03-09T06:30:00.000Z', 'B'],
    [
      'hands off at the new offset on the spring-forward day (08:00 BST = 07:00 UTC)',
      eightLondon,
      '2026-03-29T07:00:00.000Z',
      'A',
    ],
    [
      'hands off on the first of two 01:30s on the fall-back day (00:30 UTC)',
      fallLondon,
      '2026-10-25T00:30:00.000Z',
      'A',
    ],
    ['does not hand off again at the second 01:30 (01:30 UTC)', fallLondon, '2026-10-25T01:30:00.000Z', 'A'],
    ['hands off at 01:30 GMT the day after fall back', fallLondon, '2026-10-26T01:30:00.000Z', 'B'],
    ['keeps the long fall-back shift until then', fallLondon, '2026-10-26T01:29:00.000Z', 'A'],
  ]);
});

describe('onCallContactId: overrides', () => {
  const holiday = { contactId: 'cover', from: '2026-01-10T00:00:00.000Z', to: '2026-01-20T00:00:00.000Z' };
  const swap = { contactId: 'swap', from: '2026-01-12T00:00:00.000Z', to: '2026-01-14T00:00:00.000Z' };
  const sameStart = { contactId: 'later-entry', from: holiday.from, to: '2026-01-11T00:00:00.000Z' };
  table([
    ['lets an override win from its start', daily({ overrides: [holiday] }), holiday.from, 'cover'],
    [
      'lets an override win inside its span',
      daily({ overrides: [holiday] }),
      '2026-01-15T09:00:00.000Z',
      'cover',
    ],
    [
      'ends an override at its end (the pattern takes over: 14 hand-offs, 14 mod 3 = 2)',
      daily({ overrides: [holiday] }),
      holiday.to,
      'C',
    ],
    [
      'names an override contact who is not a member',
      daily({ overrides: [holiday] }),
      '2026-01-11T00:00:00.000Z',
      'cover',
    ],
    [
      'lets the latest-starting of overlapping overrides win',
      daily({ overrides: [holiday, swap] }),
      '2026-01-13T00:00:00.000Z',
      'swap',
    ],
    [
      'lets the latest-starting override win whatever the list order',
      daily({ overrides: [swap, holiday] }),
      '2026-01-13T00:00:00.000Z',
      'swap',
    ],
    [
      'returns to the enclosing override when the inner one ends',
      daily({ overrides: [holiday, swap] }),
      swap.to,
      'cover',
    ],
    [
      'lets the later entry win between overrides starting together',
      daily({ overrides: [holiday, sameStart] }),
      '2026-01-10T12:00:00.000Z',
      'later-entry',
    ],
    [
      'names an override even in a rotation without members',
      daily({ members: [], overrides: [holiday] }),
      '2026-01-15T00:00:00.000Z',
      'cover',
    ],
  ]);

  it('throws a RangeError for a rotation without members and no override in force', () => {
    expect(() => onCallContactId(daily({ members: [] }), new Date('2026-02-01T00:00:00.000Z'))).toThrow(
      new RangeError('the rotation has no members'),
    );
  });
});
