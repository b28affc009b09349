// Wall-clock time in a named time zone, through the platform's Intl (full ICU in Node 24 and in
// browsers): on-call hand-offs (functions/src/escalation/on-call.ts) and local times typed into forms.
// Temporal would be the natural API but is not in Node 24 without a flag (ADR 0013).

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time at `instant` in `timeZone`, as milliseconds of a UTC clock showing the same time. */
export function wallClockMs(timeZone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at `instant`, in milliseconds (whole seconds). */
function offsetMs(timeZone: string, instant: number): number {
  const atSecond = Math.floor(instant / 1000) * 1000;
  return wallClockMs(timeZone, atSecond) - atSecond;
}

/**
 * The instant at which the wall clock in `timeZone` shows `wall` (UTC-clock milliseconds), with
 * Temporal's "compatible" disambiguation: the earlier instant in a fall-back overlap, and in a
 * spring-forward gap the wall time read with the offset before the gap (so it lands that much later).
 */
export function instantOfWallClock(timeZone: string, wall: number): number {
  const before = offsetMs(timeZone, wall - DAY_MS);
  const after = offsetMs(timeZone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter(
    (instant) => wallClockMs(timeZone, instant) === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

const localDateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** "2026-12-24T08:00" (an HTML datetime-local value) in `timeZone` as an ISO instant; null if malformed. */
export function instantOfLocalDateTime(timeZone: string, local: string): string | null {
  const match = localDateTime.exec(local);
  if (!match) return null;
  const wall = Date.parse(`${local}:00.000Z`);
  if (Number.isNaN(wall)) return null;
  return new Date(instantOfWallClock(timeZone, wall)).toISOString();
}

/** An instant as the local "YYYY-MM-DDTHH:MM" in `timeZone` (for datetime-local inputs and tables). */
export function localDateTimeOf(timeZone: string, iso: string): string {
  return new Date(wallClockMs(timeZone, Date.parse(iso))).toISOString().slice(0, 16);
}
