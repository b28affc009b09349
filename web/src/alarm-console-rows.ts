// The alarm console's rows as the operator sees them: merged in place as the list refreshes itself.
import type { Alarm } from '@plantwatch/shared';

export interface ConsoleRow {
  alarm: Alarm;
  siteName: string;
  /** The value at the last transition with its unit, as the viewer reads units ("43.5 L/s"). */
  value: string;
}

export type ShownRow = ConsoleRow & { gone?: boolean; fresh?: boolean };

/**
 * The rows as first shown, updated in place; the server's order applies only on a refresh. A row that
 * left the list stays, marked gone, with its latest data when `elsewhere` has it (shelved just now:
 * it says so, and can be unshelved from where it is).
 */
export function mergeInPlace(
  shown: readonly ShownRow[],
  incoming: readonly ConsoleRow[],
  elsewhere: readonly ConsoleRow[] = [],
): ShownRow[] {
  const latest = new Map(incoming.map((row) => [row.alarm.id, row]));
  const outside = new Map(elsewhere.map((row) => [row.alarm.id, row]));
  const known = new Set(shown.map((row) => row.alarm.id));
  const fresh = incoming.filter((row) => !known.has(row.alarm.id)).map((row) => ({ ...row, fresh: true }));
  const kept = shown.map((row) => {
    const now = latest.get(row.alarm.id);
    if (now) return { ...now, ...(row.fresh ? { fresh: true } : {}) };
    return { ...(outside.get(row.alarm.id) ?? row), gone: true };
  });
  return [...fresh, ...kept];
}
