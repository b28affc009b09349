// Between the retention page and the API (GET/PUT /v1/retention, GET /v1/retention/deletions): the
// form's fields to a PUT body checked against the plan's maximum in the viewer's language, the API's
// issue paths back to the field that shows them, and the recorded deletions grouped by nightly run.
// Pure, so it is tested without a browser.
import {
  type RetentionDeletion,
  type RetentionKind,
  type RetentionSettings,
  retentionKinds,
  retentionSettingsSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import type { Translator } from './i18n/translator.ts';

/** What a field sent: a number when it is one, the text as typed otherwise (the schema names it). */
function daysOf(form: FormData, kind: RetentionKind): number | string | undefined {
  const value = form.get(kind);
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

/** The shared schema's rules, plus the plan's maximum, each worded for the viewer. */
export function retentionFormSchema(maxDays: number, t: Translator): z.ZodType<RetentionSettings> {
  const days = z
    .number({
      error: (issue) =>
        issue.input === undefined ? t('retention.errors.required') : t('retention.errors.whole'),
    })
    .int(t('retention.errors.whole'))
    .min(1, t('retention.errors.min'))
    .max(maxDays, t('retention.errors.max', { max: maxDays }));
  const shape = Object.fromEntries(retentionKinds.map((kind) => [kind, days])) as Record<
    RetentionKind,
    typeof days
  >;
  // Whatever passes here passes the API's own schema too: the shared one is checked last.
  return z.strictObject(shape).pipe(retentionSettingsSchema);
}

export type RetentionFormResult =
  | { body: RetentionSettings }
  | { fieldErrors: Partial<Record<RetentionKind, string>> };

/** The form as a PUT body (every setting: PUT replaces them whole), or each field's error. */
export function retentionBody(form: FormData, maxDays: number, t: Translator): RetentionFormResult {
  const sent = Object.fromEntries(retentionKinds.map((kind) => [kind, daysOf(form, kind)]));
  const parsed = retentionFormSchema(maxDays, t).safeParse(sent);
  if (parsed.success) return { body: parsed.data };
  return {
    fieldErrors: retentionFieldErrors(
      parsed.error.issues.map((issue) => ({ ...issue, path: issue.path.join('.') })),
    ),
  };
}

/**
 * Issues by field: `body.rawPoints` from the API, `rawPoints` from the schema here. An issue naming
 * no setting (the body itself) goes beside the first field, so it is never lost.
 */
export function retentionFieldErrors(
  issues: readonly { path: string; message: string }[],
): Partial<Record<RetentionKind, string>> {
  const errors: Partial<Record<RetentionKind, string>> = {};
  for (const issue of issues) {
    const field = issue.path.replace(/^body\.?/, '').split('.')[0] ?? '';
    const kind = (retentionKinds as readonly string[]).includes(field)
      ? (field as RetentionKind)
      : 'rawPoints';
    errors[kind] ??= issue.message;
  }
  return errors;
}

export interface RetentionRun {
  ranAt: string;
  /** In the page's order of kinds; a kind the run did not touch (Timestream's telemetry) is absent. */
  deletions: RetentionDeletion[];
}

/** The recorded deletions (newest first) as nightly runs, newest first, at most `runs` of them. */
export function retentionRuns(deletions: readonly RetentionDeletion[], runs: number): RetentionRun[] {
  const byRun = new Map<string, RetentionDeletion[]>();
  for (const deletion of deletions) {
    const run = byRun.get(deletion.ranAt) ?? [];
    run.push(deletion);
    byRun.set(deletion.ranAt, run);
  }
  return [...byRun.entries()]
    .sort(([a], [b]) => Date.parse(b) - Date.parse(a))
    .slice(0, runs)
    .map(([ranAt, items]) => ({
      ranAt,
      deletions: [...items].sort((a, b) => retentionKinds.indexOf(a.kind) - retentionKinds.indexOf(b.kind)),
    }));
}
