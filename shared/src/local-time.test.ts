import { describe, expect, it } from 'vitest';
import { instantOfLocalDateTime, instantOfWallClock, localDateTimeOf } from './local-time.ts';

describe('instantOfWallClock', () => {
  it.each([
    [
      'reads an ordinary winter time with the winter offset',
      'Europe/London',
      '2026-01-15T09:00',
      '2026-01-15T09:00:00.000Z',
    ],
    [
      'reads an ordinary summer time with the summer offset',
      'Europe/London',
      '2026-07-15T09:00',
      '2026-07-15T08:00:00.000Z',
    ],
    [
      'moves a time in the spring-forward gap forward by the gap',
      'Europe/London',
      '2026-03-29T01:30',
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'takes the earlier of two fall-back times',
      'Europe/London',
      '2026-10-25T01:30',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      'handles a zone east of UTC across its date line',
      'Pacific/Auckland',
      '2026-01-01T00:00',
      '2025-12-31T11:00:00.000Z',
    ],
    ['reads UTC as itself', 'UTC', '2026-05-05T05:05', '2026-05-05T05:05:00.000Z'],
  ])('%s', (_name, zone, wall, expected) => {
    expect(new Date(instantOfWallClock(zone, Date.parse(`${wall}:00.000Z`))).toISOString()).toBe(expected);
  });
});

describe('instantOfLocalDateTime', () => {
  it.each([
    ['reads a form value in the given zone', 'Europe/Lisbon', '2026-07-01T08:00', '2026-07-01T07:00:00.000Z'],
    [
      'moves a time in a spring-forward gap past it',
      'America/New_York',
      '2026-03-08T02:30',
      '2026-03-08T07:30:00.000Z',
    ],
    [
      'takes the first of two fall-back times',
      'America/New_York',
      '2026-11-01T01:30',
      '2026-11-01T05:30:00.000Z',
    ],
  ])('%s', (_name, zone, local, expected) => {
    expect(instantOfLocalDateTime(zone, local)).toBe(expected);
  });

  it.each([['2026-07-01 08:00'], ['2026-13-01T08:00'], ['08:00'], ['']])(
    'refuses the malformed value %j',
    (local) => {
      expect(instantOfLocalDateTime('UTC', local)).toBeNull();
    },
  );
});

describe('localDateTimeOf', () => {
  it.each([
    ['shows an instant on the local clock', 'Asia/Kolkata', '2026-01-06T03:30:00.000Z', '2026-01-06T09:00'],
    ['shows summer time', 'Europe/London', '2026-07-15T08:00:00.000Z', '2026-07-15T09:00'],
    [
      'round-trips with instantOfLocalDateTime',
      'Pacific/Auckland',
      '2026-04-05T12:15:00.000Z',
      '2026-04-06T00:15',
    ],
  ])('%s', (_name, zone, iso, expected) => {
    expect(localDateTimeOf(zone, iso)).toBe(expected);
    expect(instantOfLocalDateTime(zone, expected)).toBe(iso);
  });
});
