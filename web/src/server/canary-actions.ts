'use server';
// The tenant canary from the web: its settings (admin, PUT replaces them whole), a canary sent now
// (admin), and a run acknowledged here (operator), as the contact would by a reply.
import 'server-only';
import { canaryAckResultSchema, idSchema, updateCanarySettingsSchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { callApi } from './api.ts';
import { failedChange, refusedByForm } from './form-results.ts';
import { viewerWithRole } from './viewer.ts';

const FIELDS = ['enabled', 'contactId', 'at', 'days', 'timeZone', 'ackWithinMinutes', 'notifyAdmins'];

const byField = (issues: readonly { path: string; message: string }[]) => {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.replace(/^body\.?/, '').split('.')[0] ?? '';
    errors[FIELDS.includes(field) ? field : 'contactId'] ??= issue.message;
  }
  return errors;
};

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
};

export async function saveCanarySettings(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations('canary');
  const ack = text(form, 'ackWithinMinutes');
  const body = {
    enabled: form.get('enabled') === 'on',
    contactId: text(form, 'contactId') || undefined,
    at: text(form, 'at') || undefined,
    days: form.getAll('days').map((day) => Number(day)),
    ...(text(form, 'timeZone') ? { timeZone: text(form, 'timeZone') } : {}),
    ackWithinMinutes: ack === '' ? undefined : /^\d+$/.test(ack) ? Number(ack) : ack,
    notifyAdmins: form.get('notifyAdmins') === 'on',
  };
  const refused = await refusedByForm(body, {}, updateCanarySettingsSchema, byField);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('admin');
    await callApi('PUT', '/v1/settings/canary', { token: viewer.token, body });
    revalidatePath('/settings/canary');
    return { status: 'ok', message: t('saved') };
  } catch (error) {
    return failedChange(error, byField, 'a canary settings change');
  }
}

export async function sendCanaryNow(_previous: FormState, _form: FormData): Promise<FormState> {
  const t = await getTranslations('canary');
  try {
    const viewer = await viewerWithRole('admin');
    await callApi('POST', '/v1/canary/runs', { token: viewer.token });
    revalidatePath('/settings/canary');
    return { status: 'ok', message: t('sentNow') };
  } catch (error) {
    return failedChange(error, () => ({}), 'sending a canary');
  }
}

export async function acknowledgeCanaryRun(
  runId: string,
  _previous: FormState,
  _form: FormData,
): Promise<FormState> {
  const t = await getTranslations('canary');
  try {
    const viewer = await viewerWithRole('operator');
    const result = canaryAckResultSchema.parse(
      await callApi('POST', `/v1/canary/runs/${encodeURIComponent(idSchema.parse(runId))}/acknowledge`, {
        token: viewer.token,
      }),
    );
    revalidatePath('/settings/canary');
    return { status: 'ok', message: t('acknowledged', { outcome: result.outcome }) };
  } catch (error) {
    return failedChange(error, () => ({}), 'acknowledging a canary');
  }
}
