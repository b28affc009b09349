import { describe, expect, it } from 'vitest';
import { canaryCronPattern, dueCanarySlot, nextCanarySlot } from './schedule.ts';

const weekdaysLondon = { at: '08:00', days: [1, 2, 3, 4, 5], timeZone: 'Europe/London' };
const daily = { at: '08:00', days: [0, 1, 2, 3, 4, 5, 6], timeZone: 'Europe/London' };

describe('the canary schedule', () => {
  it('is a cron pattern of the time and days', () => {
    expect(canaryCronPattern(weekdaysLondon)).toBe('0 8 * * 1,2,3,4,5');
    expect(canaryCronPattern({ ...daily, at: '17:05' })).toBe('5 17 * * *');
  });

  it("follows the zone's daylight saving: 08:00 London is 08:00 UTC in winter and 07:00 UTC in summer", () => {
    expect(nextCanarySlot(daily, new Date('2026-03-28T09:00:00Z'))).toEqual(new Date('2026-03-29T07:00:00Z'));
    expect(nextCanarySlot(daily, new Date('2026-10-24T09:00:00Z'))).toEqual(new Date('2026-10-25T08:00:00Z'));
  });

  it('skips the days not listed: Friday 08:00 is followed by Monday 08:00', () => {
    expect(nextCanarySlot(weekdaysLondon, new Date('2026-01-09T08:00:00Z'))).toEqual(
      new Date('2026-01-12T08:00:00Z'),
    );
  });

  it('has nothing due before the first slot after the last one handled', () => {
    const saved = new Date('2026-01-12T08:00:30Z');
    expect(dueCanarySlot(weekdaysLondon, saved, new Date('2026-01-13T07:59:59Z'))).toBeNull();
  });

  it('has the slot due from its instant on, and the same slot for as long as it is not handled', () => {
    const handled = new Date('2026-01-12T08:00:00Z');
    const slot = new Date('2026-01-13T08:00:00Z');
    expect(dueCanarySlot(weekdaysLondon, handled, slot)).toEqual(slot);
    expect(dueCanarySlot(weekdaysLondon, handled, new Date('2026-01-13T08:04:00Z'))).toEqual(slot);
    expect(dueCanarySlot(weekdaysLondon, slot, new Date('2026-01-13T08:04:00Z'))).toBeNull();
  });

  it('gives one slot, the newest, after an outage that spanned several', () => {
    // down from Monday 07:00 to Thursday 09:30: Monday's, Tuesday's and Wednesday's slots and Thursday's passed
    const due = dueCanarySlot(
      weekdaysLondon,
      new Date('2026-01-12T07:00:00Z'),
      new Date('2026-01-15T09:30:00Z'),
    );
    expect(due).toEqual(new Date('2026-01-15T08:00:00Z'));
  });
});
