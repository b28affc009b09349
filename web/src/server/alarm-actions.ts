'use server';
// Changes to alarms from the web: acknowledge (with an optional comment) and shelve for a chosen
// time. The operator role is checked here and again by the API, which records who, how and when.
import 'server-only';
import { acknowledgeAlarmSchema, idSchema, shelveAlarmSchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { strings } from '../strings.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { alarmActionPath } from './api-features.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

const alarmIdsSchema = z.object({ ruleId: idSchema, alarmId: idSchema });

type Outcome = { ok: true; value: unknown } | { ok: false; state: FormState };

function check<T>(
  schema: z.ZodType<T>,
  input: unknown,
): { ok: true; data: T } | { ok: false; state: FormState } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues)
    fieldErrors[issue.path.map(String).join('.') || 'form'] ??= issue.message;
  return { ok: false, state: { status: 'error', message: strings.errors.fixFields, fieldErrors } };
}

async function asOperator(path: string, body: unknown): Promise<Outcome> {
  try {
    const viewer = await viewerWithRole('operator');
    return { ok: true, value: await callApi('POST', path, { token: viewer.token, body }) };
  } catch (error) {
    if (error instanceof RoleTooLowError) {
      return { ok: false, state: { status: 'error', message: strings.errors.denied(error.needed) } };
    }
    if (error instanceof ApiUnavailableError)
      return { ok: false, state: { status: 'error', message: strings.errors.apiDown } };
    if (error instanceof ApiError && error.status < 500) {
      const fieldErrors = Object.fromEntries(
        error.issues.map((i) => [i.path.replace(/^body\./, ''), i.message]),
      );
      return { ok: false, state: { status: 'error', message: error.message, fieldErrors } };
    }
    console.error('web: an alarm change failed', error);
    return { ok: false, state: { status: 'error', message: strings.errors.generic } };
  }
}

const text = (form: FormData | undefined, name: string): string | undefined => {
  const value = form?.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

function refreshAlarmPages(): void {
  revalidatePath('/alarms', 'layout');
  revalidatePath('/fleet');
}

/** Acknowledges the rule's unacknowledged alarms; the comment lands in each alarm's journal. */
export async function acknowledgeAlarm(
  ruleId: string,
  _previous: FormState,
  form?: FormData,
): Promise<FormState> {
  const id = check(idSchema, ruleId);
  if (!id.ok) return id.state;
  const input = check(acknowledgeAlarmSchema, { comment: text(form, 'comment') });
  if (!input.ok) return input.state;
  const outcome = await asOperator(`/v1/alarms/${encodeURIComponent(id.data)}/acknowledge`, input.data);
  if (!outcome.ok) return outcome.state;
  refreshAlarmPages();
  return { status: 'ok', message: strings.alarms.acknowledged };
}

/** Shelves the alarm for the chosen number of minutes, with the reason ISA-18.2 asks for. */
export async function shelveAlarm(
  ids: { ruleId: string; alarmId: string },
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const checked = check(alarmIdsSchema, ids);
  if (!checked.ok) return checked.state;
  const minutes = text(form, 'minutes');
  const input = check(shelveAlarmSchema, {
    minutes: minutes === undefined ? undefined : Number(minutes),
    reason: text(form, 'reason') ?? '',
  });
  if (!input.ok) return input.state;
  const path = await alarmActionPath('shelve', checked.data);
  if (!path) return { status: 'error', message: strings.alarms.notOffered };
  const outcome = await asOperator(path, input.data);
  if (!outcome.ok) return outcome.state;
  refreshAlarmPages();
  return { status: 'ok', message: strings.alarms.shelved };
}

/** Ends shelving early. */
export async function unshelveAlarm(
  ids: { ruleId: string; alarmId: string },
  _previous: FormState,
): Promise<FormState> {
  const checked = check(alarmIdsSchema, ids);
  if (!checked.ok) return checked.state;
  const path = await alarmActionPath('unshelve', checked.data);
  if (!path) return { status: 'error', message: strings.alarms.notOffered };
  const outcome = await asOperator(path, {});
  if (!outcome.ok) return outcome.state;
  refreshAlarmPages();
  return { status: 'ok', message: strings.alarms.unshelved };
}
