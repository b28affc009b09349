'use server';
// Changes to alarms from the web: acknowledge, comment, shelve for a chosen time, unshelve, and (for
// engineers) out of service. The role is checked here and again by the API, which journals who, how
// (web) and when. A limit-stack level (HiHi, Hi, …) is acted on alone; other alarms by their rule.
import 'server-only';
import {
  acknowledgeAlarmSchema,
  commentAlarmSchema,
  idSchema,
  limitLevelSchema,
  type Role,
  removeAlarmFromServiceSchema,
  returnAlarmToServiceSchema,
  shelveAlarmSchema,
  unshelveAlarmSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

export type AlarmTarget = { ruleId: string; level: z.infer<typeof limitLevelSchema> | null };
const targetSchema = z.object({ ruleId: idSchema, level: limitLevelSchema.nullable() });

const text = (form: FormData | undefined, name: string): string | undefined => {
  const value = form?.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

async function failure(error: unknown): Promise<FormState> {
  const t = await getTranslations();
  if (error instanceof RoleTooLowError)
    return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
  if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
  if (error instanceof ApiError && error.status < 500) {
    const fieldErrors = Object.fromEntries(
      error.issues.map((i) => [i.path.replace(/^body\./, ''), i.message]),
    );
    return { status: 'error', message: error.message, fieldErrors };
  }
  console.error('web: an alarm change failed', error);
  return { status: 'error', message: t('errors.generic') };
}

/** Checks the target and body, then POSTs /v1/alarms/{ruleId}/{action} as the viewer. */
async function act<T extends object>(
  role: Role,
  action: string,
  target: AlarmTarget,
  schema: z.ZodType<T>,
  body: Record<string, unknown>,
  done: string,
): Promise<FormState> {
  const t = await getTranslations();
  const checkedTarget = targetSchema.safeParse(target);
  const input = schema.safeParse({ ...body, ...(target.level ? { level: target.level } : {}) });
  if (!checkedTarget.success) return { status: 'error', message: t('errors.generic') };
  if (!input.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of input.error.issues)
      fieldErrors[issue.path.map(String).join('.') || 'form'] ??= issue.message;
    return { status: 'error', message: t('errors.fixFields'), fieldErrors };
  }
  try {
    const viewer = await viewerWithRole(role);
    const path = `/v1/alarms/${encodeURIComponent(checkedTarget.data.ruleId)}/${action}`;
    await callApi('POST', path, { token: viewer.token, body: input.data });
  } catch (error) {
    return failure(error);
  }
  revalidatePath('/alarms', 'layout');
  revalidatePath('/fleet');
  return { status: 'ok', message: done };
}

export async function acknowledgeAlarm(target: AlarmTarget, _previous: FormState, form?: FormData) {
  const t = await getTranslations();
  return act(
    'operator',
    'acknowledge',
    target,
    acknowledgeAlarmSchema,
    { comment: text(form, 'comment') },
    t('alarms.acknowledged'),
  );
}

export async function commentOnAlarm(target: AlarmTarget, _previous: FormState, form: FormData) {
  const t = await getTranslations();
  return act(
    'operator',
    'comment',
    target,
    commentAlarmSchema,
    { comment: text(form, 'comment') ?? '' },
    t('alarms.commented'),
  );
}

export async function shelveAlarm(target: AlarmTarget, _previous: FormState, form: FormData) {
  const t = await getTranslations();
  const minutes = text(form, 'minutes');
  return act(
    'operator',
    'shelve',
    target,
    shelveAlarmSchema,
    { minutes: minutes === undefined ? undefined : Number(minutes), reason: text(form, 'reason') ?? '' },
    t('alarms.shelved'),
  );
}

export async function unshelveAlarm(target: AlarmTarget, _previous: FormState) {
  const t = await getTranslations();
  return act('operator', 'unshelve', target, unshelveAlarmSchema, {}, t('alarms.unshelved'));
}

export async function removeAlarmFromService(target: AlarmTarget, _previous: FormState, form: FormData) {
  const t = await getTranslations();
  return act(
    'engineer',
    'remove-from-service',
    target,
    removeAlarmFromServiceSchema,
    { reason: text(form, 'reason') ?? '' },
    t('alarms.removedFromService'),
  );
}

export async function returnAlarmToService(target: AlarmTarget, _previous: FormState) {
  const t = await getTranslations();
  return act(
    'engineer',
    'return-to-service',
    target,
    returnAlarmToServiceSchema,
    {},
    t('alarms.returnedToService'),
  );
}
