// Which period a report run covers: the whole day, ISO week or calendar month before the run, in
// the report's time zone, or the fixed range a custom report names.
import type { ReportPeriod } from '@plantwatch/shared';
import { addLocalDays, localParts, startOfLocalDay, zonedTime } from './zone.ts';

export interface CoveredPeriod {
  from: number;
  to: number;
}

export function coveredPeriod(period: ReportPeriod, runAt: number, timeZone: string): CoveredPeriod {
  if (typeof period === 'object') return { from: Date.parse(period.from), to: Date.parse(period.to) };
  const today = startOfLocalDay(runAt, timeZone);
  switch (period) {
    case 'last-day':
      return { from: addLocalDays(today, -1, timeZone), to: today };
    case 'last-week': {
      const monday = addLocalDays(today, 1 - localParts(today, timeZone).isoWeekday, timeZone);
      return { from: addLocalDays(monday, -7, timeZone), to: monday };
    }
    case 'last-month': {
      const p = localParts(today, timeZone);
      const previous = p.month === 1 ? { year: p.year - 1, month: 12 } : { year: p.year, month: p.month - 1 };
      return {
        from: zonedTime(timeZone, previous.year, previous.month, 1),
        to: zonedTime(timeZone, p.year, p.month, 1),
      };
    }
  }
}
