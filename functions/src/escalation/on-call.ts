// Who is on call in a rotation at a given instant (issue #5). Pure: no clock, no I/O.
//
// The rules (docs/decisions/0013-contacts-rotations-and-policies.md):
// - Anchor: the first member is on call from the rotation's creation (createdAt) until the first
//   hand-off after it; every hand-off passes the duty to the next member, wrapping around. Before
//   the creation the same sequence runs backwards. Editing the members keeps the anchor, so the
//   duty follows the edited list from the same starting point.
// - Hand-offs are at handoffTime local time in the rotation's time zone: every day (daily) or on
//   handoffDay (weekly). A hand-off time that does not exist on a spring-forward day happens that
//   many minutes later (02:30 in a 02:00→03:00 gap is 03:30 summer time); one that happens twice on a
//   fall-back day happens the first time. This is Temporal's "compatible" disambiguation.
// - Overrides win over the pattern while from <= at < to; when several overlap, the one that started
//   latest wins (a later entry in the list wins a tie), so cover for part of a holiday cover works.
// Local times come from shared/src/local-time.ts (the platform's Intl; Temporal is not in Node 24).
import { instantOfWallClock, type OnCallRotation, wallClockMs } from '@plantwatch/shared';

export type RotationForOnCall = Pick<
  OnCallRotation,
  'timeZone' | 'handoffTime' | 'period' | 'handoffDay' | 'members' | 'overrides' | 'createdAt'
>;

const DAY_MS = 86_400_000;

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/**
 * A count that grows by one at every hand-off: f(b) - f(a) is the number of hand-offs in (a, b].
 * Hand-off instants rise with their local date (days are 23-25 hours, never shorter than a DST
 * jump), so it is the number of hand-off dates before a's local date plus today's if it has passed.
 */
function handoffsUpTo(rotation: RotationForOnCall, instant: number): number {
  const { timeZone } = rotation;
  const wall = wallClockMs(timeZone, instant);
  const dayNumber = floorDiv(wall, DAY_MS);
  const [hours = 0, minutes = 0] = rotation.handoffTime.split(':').map(Number);
  const todaysHandoff = instantOfWallClock(timeZone, dayNumber * DAY_MS + (hours * 60 + minutes) * 60_000);
  const passedToday = todaysHandoff <= instant ? 1 : 0;
  if (rotation.period === 'daily') return dayNumber + passedToday;
  const handoffDay = rotation.handoffDay ?? 0;
  // day 0 (1970-01-01) was a Thursday: weekday(d) = (d + 4) mod 7. Count the days d < dayNumber
  // whose weekday is handoffDay, up to a constant that cancels in the difference.
  const before = floorDiv(dayNumber + 4 - handoffDay + 6, 7);
  const isHandoffDay = (((dayNumber + 4) % 7) + 7) % 7 === handoffDay;
  return before + (isHandoffDay ? passedToday : 0);
}

/** The override in force at `at`: the latest-starting one, a later entry winning a tie. */
function overrideAt(rotation: RotationForOnCall, at: number): string | undefined {
  let winner: { contactId: string; from: number } | undefined;
  for (const override of rotation.overrides) {
    const from = Date.parse(override.from);
    const to = Date.parse(override.to);
    if (from <= at && at < to && (!winner || from >= winner.from)) {
      winner = { contactId: override.contactId, from };
    }
  }
  return winner?.contactId;
}

/** The contact id on call in `rotation` at `at`. Throws RangeError for a rotation without members. */
export function onCallContactId(rotation: RotationForOnCall, at: Date): string {
  const instant = at.getTime();
  const overridden = overrideAt(rotation, instant);
  if (overridden !== undefined) return overridden;
  const { members } = rotation;
  if (members.length === 0) throw new RangeError('the rotation has no members');
  const handoffs = handoffsUpTo(rotation, instant) - handoffsUpTo(rotation, Date.parse(rotation.createdAt));
  const member = members[((handoffs % members.length) + members.length) % members.length];
  if (member === undefined) throw new RangeError('the rotation has no members');
  return member;
}
