// When the tenant canary pages: "at HH:MM on these days" in the canary's time zone (daylight saving
// included, through croner), and which slot is due. However many slots passed while nothing ran
// (the service was down), one is due: the newest, sent once, late.
import { Cron } from 'croner';

export interface CanarySchedule {
  /** HH:MM, 24-hour. */
  at: string;
  /** 0 Sunday … 6 Saturday. */
  days: readonly number[];
  timeZone: string;
}

export function canaryCronPattern(schedule: CanarySchedule): string {
  const [hour = '0', minute = '0'] = schedule.at.split(':');
  const days = [...new Set(schedule.days)].sort((a, b) => a - b);
  return `${Number(minute)} ${Number(hour)} * * ${days.length === 7 ? '*' : days.join(',')}`;
}

const cronOf = (schedule: CanarySchedule) =>
  new Cron(canaryCronPattern(schedule), { timezone: schedule.timeZone, paused: true, mode: '5-part' });

/** The first slot strictly after `after`. */
export function nextCanarySlot(schedule: CanarySchedule, after: Date): Date | null {
  return cronOf(schedule).nextRun(after);
}

/** The newest slot in (lastSlotAt, now], or null when none has passed. */
export function dueCanarySlot(schedule: CanarySchedule, lastSlotAt: Date, now: Date): Date | null {
  // previousRuns looks strictly before its reference: 1 ms on makes a slot at exactly `now` count
  const [newest] = cronOf(schedule).previousRuns(1, new Date(now.getTime() + 1));
  return newest && newest.getTime() > lastSlotAt.getTime() ? newest : null;
}
