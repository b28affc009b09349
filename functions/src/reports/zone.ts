// Wall-clock arithmetic in an IANA time zone for reports: local midnights, month starts, labels.
// The zone conversions themselves are shared/src/local-time.ts (also behind on-call hand-offs).
import { instantOfWallClock, wallClockMs } from '@plantwatch/shared';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 1 = Monday … 7 = Sunday (ISO). */
  isoWeekday: number;
}

/** The zone's wall clock at `instant`, field by field (seconds resolution). */
export function localParts(instant: number, timeZone: string): LocalParts & { second: number } {
  const wall = new Date(wallClockMs(timeZone, instant));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    isoWeekday: ((wall.getUTCDay() + 6) % 7) + 1,
  };
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const atSecond = Math.floor(instant / 1000) * 1000;
  return wallClockMs(timeZone, atSecond) - atSecond;
}

/**
 * The instant the zone's clock shows this wall time: a time repeated by a daylight-saving change is
 * its first occurrence, a skipped one is read with the offset before the jump (so it lands after it).
 */
export function zonedTime(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
): number {
  return instantOfWallClock(timeZone, Date.UTC(year, month - 1, day, hour, minute));
}

/** Local midnight of the day `instant` falls on, as an instant. */
export function startOfLocalDay(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return zonedTime(timeZone, p.year, p.month, p.day);
}

/** Local midnight `days` calendar days after the day of `instant` (negative for before). */
export function addLocalDays(instant: number, days: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const shifted = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return zonedTime(timeZone, shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/** "2026-03-29 02:00" in the zone: what a plant manager reads on the page. */
export function formatLocal(instant: number, timeZone: string, withTime = true): string {
  const p = localParts(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  return withTime ? `${date} ${pad(p.hour)}:${pad(p.minute)}` : date;
}

/** A short zone name for labels ("CET", "GMT+2"), at `instant`. */
export function zoneAbbreviation(instant: number, timeZone: string): string {
  const part = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(instant))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}
