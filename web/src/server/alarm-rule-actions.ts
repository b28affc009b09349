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
import type { z } from 'zod';
import {
  alarmRuleChanges,
  type FormBody,
  fieldErrorsOf,
  fieldsOf,
  isAlarmRuleKind,
  levelsTicked,
  newAlarmRule,
} from '../alarm-rule-form.ts';
import type { FormState } from '../form-state.ts';
import { strings } from '../strings.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

const LIST = '/config/alarm-rules';

function failure(error: unknown, levelsSent: readonly LimitLevel[]): FormState {
  if (error instanceof RoleTooLowError)
    return { status: 'error', message: strings.errors.denied(error.needed) };
  if (error instanceof ApiUnavailableError) return { status: 'error', message: strings.errors.apiDown };
  if (error instanceof ApiError && error.status < 500) {
    return {
      status: 'error',
      message: error.issues.length ? strings.errors.fixFields : error.message,
      fieldErrors: fieldErrorsOf(error.issues, levelsSent),
    };
  }
  console.error('web: an alarm rule change failed', error);
  return { status: 'error', message: strings.errors.generic };
}

/** The form's own findings and the schema's, by field; null when the body may be sent. */
function problems(
  formBody: FormBody,
  schema: z.ZodType,
  levelsSent: readonly LimitLevel[],
): FormState | null {
  const result = schema.safeParse(formBody.body);
  const schemaErrors = result.success
    ? {}
    : fieldErrorsOf(
        result.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.code === 'invalid_type' ? strings.required : issue.message,
        })),
        levelsSent,
      );
  const fieldErrors = { ...schemaErrors, ...formBody.fieldErrors };
  return Object.keys(fieldErrors).length
    ? { status: 'error', message: strings.errors.fixFields, fieldErrors }
    : null;
}

export async function createAlarmRule(_previous: FormState, form: FormData): Promise<FormState> {
  const fields = fieldsOf(form);
  const levelsSent = levelsTicked(fields);
  const formBody = newAlarmRule(fields);
  const refused = problems(formBody, createAlarmRuleSchema, levelsSent);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('engineer');
    const created = alarmRuleSchema.parse(
      await callApi('POST', '/v1/alarm-rules', { token: viewer.token, body: formBody.body }),
    );
    revalidatePath(LIST);
    return { status: 'ok', message: strings.config.added(created.name) };
  } catch (error) {
    return failure(error, levelsSent);
  }
}

export async function updateAlarmRule(
  ruleId: string,
  kind: AlarmRuleKind,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  if (!idSchema.safeParse(ruleId).success || !isAlarmRuleKind(kind))
    return { status: 'error', message: strings.errors.generic };
  const fields = fieldsOf(form);
  const levelsSent = levelsTicked(fields);
  const formBody = alarmRuleChanges(kind, fields);
  const refused = problems(formBody, updateAlarmRuleSchema, levelsSent);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('PATCH', `/v1/alarm-rules/${ruleId}`, { token: viewer.token, body: formBody.body });
    revalidatePath(LIST, 'layout');
    return { status: 'ok', message: strings.config.saved };
  } catch (error) {
    return failure(error, levelsSent);
  }
}

/** Turns a rule on or off, leaving everything else as it is. */
export async function setAlarmRuleEnabled(
  ruleId: string,
  name: string,
  enabled: boolean,
  _previous: FormState,
  _form: FormData,
): Promise<FormState> {
  if (!idSchema.safeParse(ruleId).success) return { status: 'error', message: strings.errors.generic };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('PATCH', `/v1/alarm-rules/${ruleId}`, { token: viewer.token, body: { enabled } });
    revalidatePath(LIST, 'layout');
    const a = strings.alarmRules;
    return { status: 'ok', message: enabled ? a.enabledNow(name) : a.disabledNow(name) };
  } catch (error) {
    return failure(error, []);
  }
}

export async function deleteAlarmRule(ruleId: string): Promise<FormState> {
  if (!idSchema.safeParse(ruleId).success) return { status: 'error', message: strings.errors.generic };
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('DELETE', `/v1/alarm-rules/${ruleId}`, { token: viewer.token });
    revalidatePath(LIST, 'layout');
    return { status: 'ok', message: strings.config.removed(ruleId) };
  } catch (error) {
    return failure(error, []);
  }
}
