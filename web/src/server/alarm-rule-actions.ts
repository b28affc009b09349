'use server';
// Changes to alarm rules from the web: engineers only (the API checks again). The form's fields
// become the body in alarm-rule-form.ts, the shared schema checks it here first, and issues from
// either land beside the field they are about.
import 'server-only';
import {
  type AlarmRuleKind,
  alarmRuleSchema,
  createAlarmRuleSchema,
  idSchema,
  type LimitLevel,
  updateAlarmRuleSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import {
  alarmRuleChanges,
  fieldErrorsOf,
  fieldsOf,
  isAlarmRuleKind,
  levelsTicked,
  newAlarmRule,
} from '../alarm-rule-form.ts';
import type { FormState } from '../form-state.ts';
import { ApiError, callApi } from './api.ts';
import { failedChange, refusedByForm } from './form-results.ts';
import { viewerWithRole } from './viewer.ts';

const LIST = '/config/alarm-rules';
const WHAT = 'an alarm rule change';

/** Issues by form field: a position in the levels sent becomes the row of its level. */
const byField =
  (levelsSent: readonly LimitLevel[]) => (issues: readonly { path: string; message: string }[]) =>
    fieldErrorsOf(issues, levelsSent);

const invalidId = (id: string) => !idSchema.safeParse(id).success;

export async function createAlarmRule(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  const fields = fieldsOf(form);
  const mapped = byField(levelsTicked(fields));
  const { body, fieldErrors } = newAlarmRule(fields, t);
  const refused = await refusedByForm(body, fieldErrors, createAlarmRuleSchema, mapped);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('engineer');
    const created = alarmRuleSchema.parse(
      await callApi('POST', '/v1/alarm-rules', { token: viewer.token, body }),
    );
    revalidatePath(LIST);
    return { status: 'ok', message: t('config.added', { what: created.name }) };
  } catch (error) {
    return failedChange(error, mapped, WHAT);
  }
}

export async function updateAlarmRule(
  ruleId: string,
  kind: AlarmRuleKind,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(ruleId) || !isAlarmRuleKind(kind)) return { status: 'error', message: t('errors.generic') };
  const fields = fieldsOf(form);
  const mapped = byField(levelsTicked(fields));
  const { body, fieldErrors } = alarmRuleChanges(kind, fields, t);
  const refused = await refusedByForm(body, fieldErrors, updateAlarmRuleSchema, mapped);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('PATCH', `/v1/alarm-rules/${ruleId}`, { token: viewer.token, body });
    revalidatePath(LIST, 'layout');
    return { status: 'ok', message: t('config.saved') };
  } catch (error) {
    return failedChange(withFieldIssue(error), mapped, WHAT);
  }
}

/**
 * A patch is checked against the rule's kind only once the API applies it (a counter's threshold
 * must be whole, a totalizer's need not): its 422 names the field, and the message goes beside it.
 */
function withFieldIssue(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.status !== 422 || error.issues.length > 0) return error;
  const field = (error.details as { field?: unknown } | undefined)?.field;
  if (typeof field !== 'string' || field === '') return error;
  const message = error.message.startsWith(`${field}: `)
    ? error.message.slice(field.length + 2)
    : error.message;
  return new ApiError(error.status, error.code, error.message, [{ path: field, message }], {
    details: error.details,
    cause: error,
  });
}

/** Turns a rule on or off, leaving everything else as it is. */
export async function setAlarmRuleEnabled(
  ruleId: string,
  name: string,
  enabled: boolean,
  _previous: FormState,
  _form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(ruleId)) return { status: 'error', message: t('errors.generic') };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('PATCH', `/v1/alarm-rules/${ruleId}`, { token: viewer.token, body: { enabled } });
    revalidatePath(LIST, 'layout');
    const a = await getTranslations('alarmRules');
    return {
      status: 'ok',
      message: enabled ? a('enabledNow', { name: name }) : a('disabledNow', { name: name }),
    };
  } catch (error) {
    return failedChange(error, byField([]), WHAT);
  }
}

export async function deleteAlarmRule(ruleId: string): Promise<FormState> {
  const t = await getTranslations();
  if (invalidId(ruleId)) return { status: 'error', message: t('errors.generic') };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('DELETE', `/v1/alarm-rules/${ruleId}`, { token: viewer.token });
    revalidatePath(LIST, 'layout');
    return { status: 'ok', message: t('config.removed', { what: ruleId }) };
  } catch (error) {
    return failedChange(error, byField([]), WHAT);
  }
}
