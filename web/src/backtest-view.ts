// The alarm rule form's backtest (issue 17, ADR 0039), the parts without a browser: the form's rule
// as the backtest body, and the API's timeline as the stretches each alarm was active, as fractions
// of the range for the small timeline.
import type { AlarmBacktest } from '@plantwatch/shared';
import { type FormFields, newAlarmRule } from './alarm-rule-form.ts';
import type { Translator } from './i18n/translator.ts';

/** The ranges the form offers, in days. */
export const BACKTEST_DAYS = [7, 30] as const;
/** A name for an unnamed rule: the API requires one, and a backtest never saves it. */
export const UNNAMED_RULE = 'Backtest';

/**
 * The backtest body for the form as it stands. Editing, the kind and tag are not fields of the
 * form (they are fixed), so they come from the saved rule in `fixed`.
 */
export function backtestBody(
  fields: FormFields,
  fixed: { kind: string; tagId: string } | undefined,
  range: { from: Date; to: Date },
  t: Translator,
): { body: Record<string, unknown>; fieldErrors: Record<string, string> } {
  const withRule: FormFields = { ...fields, ...(fixed ?? {}) };
  const named = withRule.name?.trim() ? withRule : { ...withRule, name: UNNAMED_RULE };
  const { body, fieldErrors } = newAlarmRule(named, t);
  return { body: { rule: body, from: range.from.toISOString(), to: range.to.toISOString() }, fieldErrors };
}

export interface ActiveStretch {
  key: AlarmBacktest['timeline'][number]['key'];
  /** Fractions of the range, 0…1. */
  start: number;
  end: number;
  /** Still active when the range ends (or the timeline was cut short). */
  open: boolean;
}

/** Each alarm's raised→cleared stretches over the range, for drawing. */
export function activeStretches(result: AlarmBacktest): ActiveStretch[] {
  const from = Date.parse(result.from);
  const span = Math.max(1, Date.parse(result.to) - from);
  const at = (iso: string) => Math.min(1, Math.max(0, (Date.parse(iso) - from) / span));
  const open = new Map<string, number>();
  const stretches: ActiveStretch[] = [];
  for (const entry of result.timeline) {
    if (entry.kind === 'raised') {
      if (!open.has(entry.key)) open.set(entry.key, at(entry.at));
    } else {
      const start = open.get(entry.key);
      if (start !== undefined) {
        stretches.push({ key: entry.key, start, end: at(entry.at), open: false });
        open.delete(entry.key);
      }
    }
  }
  for (const [key, start] of open) {
    stretches.push({ key: key as ActiveStretch['key'], start, end: 1, open: true });
  }
  return stretches.sort((a, b) => a.start - b.start);
}

/** A duration in the largest unit that keeps it readable: seconds, minutes, hours or days. */
export function durationUnit(ms: number): { amount: number; unit: 'second' | 'minute' | 'hour' | 'day' } {
  const seconds = ms / 1000;
  if (seconds < 60) return { amount: Math.round(seconds), unit: 'second' };
  if (seconds < 3600) return { amount: Math.round(seconds / 6) / 10, unit: 'minute' };
  if (seconds < 86_400) return { amount: Math.round(seconds / 360) / 10, unit: 'hour' };
  return { amount: Math.round(seconds / 8640) / 10, unit: 'day' };
}
