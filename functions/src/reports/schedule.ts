// When a report runs: its schedule as a cron pattern in the report's time zone, the slots it has
// passed, and the missed-run rule (a report whose slots passed while nothing ran runs once).
import type { ReportScheduleTiming } from '@plantwatch/shared';
import { Cron } from 'croner';

/** The schedule as a 5-field cron pattern (minute hour day-of-month month day-of-week). */
export function cronPattern(schedule: ReportScheduleTiming): string {
  switch (schedule.kind) {
    case 'hourly':
      return `${schedule.minute} * * * *`;
    case 'cron':
      return schedule.expression.trim();
    default: {
      const [hour = '0', minute = '0'] = schedule.at.split(':');
      const hm = `${Number(minute)} ${Number(hour)}`;
      if (schedule.kind === 'daily') return `${hm} * * *`;
      if (schedule.kind === 'weekly') return `${hm} * * ${schedule.dayOfWeek}`;
      return `${hm} ${schedule.dayOfMonth} * *`;
    }
  }
}

function cronFor(schedule: ReportScheduleTiming, timeZone: string): Cron {
  return new Cron(cronPattern(schedule), { timezone: timeZone, paused: true, mode: '5-part' });
}

/** The first slot strictly after `after`, or null when the pattern never fires again. */
export function nextSlot(schedule: ReportScheduleTiming, timeZone: string, after: Date): Date | null {
  return cronFor(schedule, timeZone).nextRun(after);
}

/** Upper bound on slots walked for one report, so a pathological pattern cannot stall a tick. */
const MAX_SLOTS_WALKED = 100_000;

/**
 * The newest slot in (lastSlotAt, now], or null when none has passed. However many slots passed
 * (the process was down), the answer is one slot: the report runs once for the latest of them.
 */
export function dueSlot(
  schedule: ReportScheduleTiming,
  timeZone: string,
  lastSlotAt: Date,
  now: Date,
): Date | null {
  const cron = cronFor(schedule, timeZone);
  let due: Date | null = null;
  let cursor = cron.nextRun(lastSlotAt);
  for (let walked = 0; cursor !== null && cursor <= now && walked < MAX_SLOTS_WALKED; walked++) {
    due = cursor;
    cursor = cron.nextRun(cursor);
  }
  return due;
}
