// CP56Time2a, the seven-octet time tag of IEC 60870-5-4 §6.8: milliseconds of the minute, minute,
// hour, day of month and of week, month, year of the century, with the invalid (IV) and summer time
// (SU) bits. It carries no zone: an RTU may send UTC or its local time, so turning it into an instant
// takes the device's IANA zone (the SU bit settles the repeated hour when clocks go back).
import { instantOfWallClock, wallClockMs } from '@plantwatch/shared';

export interface Cp56Time {
  /** The wall clock the octets show, as milliseconds of a UTC clock showing the same time. */
  wallMs: number;
  invalid: boolean;
  summerTime: boolean;
  /** Day of week 1-7 (Monday 1), 0 when not used. */
  dayOfWeek: number;
}

export class Cp56Error extends Error {}

export function decodeCp56(octets: Buffer): Cp56Time {
  if (octets.length !== 7) throw new Cp56Error(`CP56Time2a takes 7 octets, not ${octets.length}`);
  const ms = octets.readUInt16LE(0);
  const minute = (octets[2] ?? 0) & 0x3f;
  const hour = (octets[3] ?? 0) & 0x1f;
  const day = (octets[4] ?? 0) & 0x1f;
  const month = (octets[5] ?? 0) & 0x0f;
  const year = (octets[6] ?? 0) & 0x7f;
  if (ms > 59_999 || minute > 59 || hour > 23 || day < 1 || day > 31 || month < 1 || month > 12) {
    throw new Cp56Error(`CP56Time2a out of range: ${year}-${month}-${day} ${hour}:${minute} and ${ms} ms`);
  }
  const wall = Date.UTC(2000 + year, month - 1, day, hour, minute, 0, ms);
  if (new Date(wall).getUTCDate() !== day)
    throw new Cp56Error(`CP56Time2a day ${day} does not exist in ${2000 + year}-${month}`);
  return {
    wallMs: wall,
    invalid: ((octets[2] ?? 0) & 0x80) !== 0,
    summerTime: ((octets[3] ?? 0) & 0x80) !== 0,
    dayOfWeek: ((octets[4] ?? 0) >> 5) & 0x07,
  };
}

export function encodeCp56(time: Cp56Time): Buffer {
  const d = new Date(time.wallMs);
  const year = d.getUTCFullYear() - 2000;
  if (year < 0 || year > 99) throw new Cp56Error('CP56Time2a holds the years 2000-2099');
  const out = Buffer.alloc(7);
  out.writeUInt16LE(d.getUTCSeconds() * 1000 + d.getUTCMilliseconds(), 0);
  out[2] = d.getUTCMinutes() | (time.invalid ? 0x80 : 0);
  out[3] = d.getUTCHours() | (time.summerTime ? 0x80 : 0);
  out[4] = d.getUTCDate() | ((time.dayOfWeek & 0x07) << 5);
  out[5] = d.getUTCMonth() + 1;
  out[6] = year;
  return out;
}

/** The instant a time tag stands for, read in `timeZone` ("UTC" for RTUs that send UTC). */
export function instantOf(time: Cp56Time, timeZone: string): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return time.wallMs;
  // The zone arithmetic works in whole seconds; the milliseconds ride along.
  const ms = time.wallMs % 1000;
  const wall = time.wallMs - ms;
  const first = instantOfWallClock(timeZone, wall);
  // In the hour that repeats when clocks go back, SU says which of the two the RTU meant.
  const later = first + 3_600_000;
  if (!time.summerTime && wallClockMs(timeZone, later) === wall) return later + ms;
  return first + ms;
}

/** The time tag for `instant` as an RTU in `timeZone` would send it (SU set in summer time). */
export function cp56At(instant: number, timeZone: string): Cp56Time {
  const ms = instant % 1000;
  const wall = timeZone === 'UTC' ? instant : wallClockMs(timeZone, instant - ms) + ms;
  const year = new Date(instant).getUTCFullYear();
  const offsetAt = (at: number) => wallClockMs(timeZone, at) - at;
  const january = offsetAt(Date.UTC(year, 0, 1));
  const july = offsetAt(Date.UTC(year, 6, 1));
  const summerTime = january !== july && wall - instant === Math.max(january, july);
  const weekday = new Date(wall).getUTCDay();
  return { wallMs: wall, invalid: false, summerTime, dayOfWeek: weekday === 0 ? 7 : weekday };
}
