'use server';
// Changes to contacts, on-call rotations and escalation policies from the web: check the role,
// validate with the shared schema, call the API with the viewer's token (the API checks again,
// including that every contact and rotation named exists), refresh the pages.
import 'server-only';
import {
  type ContactChannelType,
  contactChannelTypes,
  createContactSchema,
  createEscalationPolicySchema,
  createOnCallRotationSchema,
  type EscalationTarget,
  instantOfLocalDateTime,
  onCallRotationSchema,
  updateContactSchema,
  updateEscalationPolicySchema,
  updateOnCallRotationSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { peopleFormRows } from '../people-form.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

const {
  channels: CHANNEL_ROWS,
  members: MEMBER_ROWS,
  levels: LEVEL_ROWS,
  targets: TARGET_ROWS,
} = peopleFormRows;

type Checked<T> = { ok: true; data: T } | { ok: false; state: FormState };

async function check<T>(schema: z.ZodType<T>, input: unknown): Promise<Checked<T>> {
  const t = await getTranslations();
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    fieldErrors[issue.path.map(String).join('.') || 'form'] ??=
      issue.code === 'invalid_type' ? t('common.required') : issue.message;
  }
  return { ok: false, state: { status: 'error', message: t('errors.fixFields'), fieldErrors } };
}

async function asEngineer(
  method: 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<FormState | null> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi(method, path, { token: viewer.token, body });
    revalidatePath('/config', 'layout');
    return null;
  } catch (error) {
    if (error instanceof RoleTooLowError)
      return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
    if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
    // 409 (still used) and 422 (a contact or rotation that no longer exists) explain themselves
    if (error instanceof ApiError && error.status < 500) {
      const fieldErrors = Object.fromEntries(
        error.issues.map((i) => [i.path.replace(/^body\./, ''), i.message]),
      );
      return {
        status: 'error',
        message: error.issues.length ? t('errors.fixFields') : error.message,
        fieldErrors,
      };
    }
    console.error('web: a people change failed', error);
    return { status: 'error', message: t('errors.generic') };
  }
}

const text = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

const isChannelType = (value: string | undefined): value is ContactChannelType =>
  (contactChannelTypes as readonly (string | undefined)[]).includes(value);

/**
 * The filled-in channel rows (empty rows are skipped), and a check whose field errors name the
 * form's rows rather than the positions in the list sent.
 */
async function checkContact<T>(schema: z.ZodType<T>, form: FormData): Promise<Checked<T>> {
  // a contact has at most 10 channels; the edit form shows one empty row more
  // A row counts when it has an address, or is a Telegram channel (linked later, by a code: no address).
  const filled = rows(Math.min(11, Math.max(CHANNEL_ROWS, Number(text(form, 'channelRows')) || 0))).flatMap(
    (row) => {
      const address = text(form, `channels.${row}.address`);
      const type = text(form, `channels.${row}.type`);
      if (address === undefined && type !== 'telegram') return [];
      return [{ row, type, address }];
    },
  );
  const checked = await check(schema, {
    name: text(form, 'name'),
    language: text(form, 'language'),
    channels: filled.map(({ type, address }) => (address === undefined ? { type } : { type, address })),
  });
  if (checked.ok) return checked;
  const fieldErrors = Object.fromEntries(
    Object.entries(checked.state.fieldErrors ?? {}).map(([field, message]) => [
      field.replace(/^channels\.(\d+)\./, (whole, n) => {
        const row = filled[Number(n)]?.row;
        return row === undefined ? whole : `channels.${row}.`;
      }),
      message,
    ]),
  );
  return { ok: false, state: { ...checked.state, fieldErrors } };
}

export async function createContact(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  const checked = await checkContact(createContactSchema, form);
  if (!checked.ok) return checked.state;
  return (
    (await asEngineer('POST', '/v1/contacts', checked.data)) ?? {
      status: 'ok',
      message: t('config.added', { what: checked.data.name }),
    }
  );
}

/** Name and channels; the channel rows replace the contact's list whole, in the order shown. */
export async function updateContact(
  contactId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  const checked = await checkContact(updateContactSchema, form);
  if (!checked.ok) return checked.state;
  return (
    (await asEngineer('PATCH', `/v1/contacts/${encodeURIComponent(contactId)}`, checked.data)) ?? {
      status: 'ok',
      message: t('config.saved'),
    }
  );
}

export async function deleteContact(contactId: string): Promise<FormState> {
  return (await asEngineer('DELETE', `/v1/contacts/${encodeURIComponent(contactId)}`)) ?? { status: 'ok' };
}

export async function createOnCallRotation(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  const period = text(form, 'period');
  const day = text(form, 'handoffDay');
  const checked = await check(createOnCallRotationSchema, {
    name: text(form, 'name'),
    timeZone: text(form, 'timeZone'),
    handoffTime: text(form, 'handoffTime'),
    period,
    ...(period === 'weekly' && day !== undefined ? { handoffDay: Number(day) } : {}),
    members: rows(MEMBER_ROWS).flatMap((i) => text(form, `members.${i}`) ?? []),
  });
  if (!checked.ok) return checked.state;
  return (
    (await asEngineer('POST', '/v1/on-call-rotations', checked.data)) ?? {
      status: 'ok',
      message: t('config.added', { what: checked.data.name }),
    }
  );
}

export async function deleteOnCallRotation(rotationId: string): Promise<FormState> {
  return (
    (await asEngineer('DELETE', `/v1/on-call-rotations/${encodeURIComponent(rotationId)}`)) ?? {
      status: 'ok',
    }
  );
}

/** Target options are encoded as "contact:<id>" or "rotation:<id>". */
function targetFrom(value: string | undefined): EscalationTarget[] {
  const [type, id] = value?.split(':') ?? [];
  if (type === 'contact' && id) return [{ type, contactId: id }];
  if (type === 'rotation' && id) return [{ type, rotationId: id }];
  return [];
}

/** A level's channel choice: empty for all of the contact's channels, else types joined by commas, in order. */
const channelsOf = (value: string | undefined): ContactChannelType[] =>
  (value ?? '').split(',').filter(isChannelType);

/** Levels without targets are skipped; field errors name the form's level rows, not positions sent. */
async function checkPolicy<T>(schema: z.ZodType<T>, form: FormData): Promise<Checked<T>> {
  const bounded = (name: string, least: number, most: number) =>
    Math.min(most, Math.max(least, Number(text(form, name)) || 0));
  const levelRows = bounded('levelRows', LEVEL_ROWS, 11);
  const targetRows = bounded('targetRows', TARGET_ROWS, 21);
  const filled = rows(levelRows).flatMap((row) => {
    const targets = rows(targetRows).flatMap((n) => targetFrom(text(form, `levels.${row}.targets.${n}`)));
    if (targets.length === 0) return [];
    const delay = text(form, `levels.${row}.delayMinutes`);
    const channels = channelsOf(text(form, `levels.${row}.channels`));
    return [
      {
        row,
        level: {
          delayMinutes: delay === undefined ? 0 : Number(delay),
          targets,
          ...(channels.length > 0 ? { channels } : {}),
        },
      },
    ];
  });
  const repeat = text(form, 'repeat');
  // No factor: every repeat at the same pace (null clears a backoff saved before).
  const factor = text(form, 'repeatBackoff.factor');
  const maxDelay = text(form, 'repeatBackoff.maxDelayMinutes');
  const checked = await check(schema, {
    name: text(form, 'name'),
    ...(repeat === undefined ? {} : { repeat: Number(repeat) }),
    repeatBackoff:
      factor === undefined
        ? null
        : { factor: Number(factor), maxDelayMinutes: maxDelay === undefined ? undefined : Number(maxDelay) },
    levels: filled.map(({ level }) => level),
  });
  if (checked.ok) return checked;
  const fieldErrors = Object.fromEntries(
    Object.entries(checked.state.fieldErrors ?? {}).map(([field, message]) => [
      field.replace(/^levels\.(\d+)\./, (whole, n) => {
        const row = filled[Number(n)]?.row;
        return row === undefined ? whole : `levels.${row}.`;
      }),
      message,
    ]),
  );
  return { ok: false, state: { ...checked.state, fieldErrors } };
}

export async function createEscalationPolicy(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  const checked = await checkPolicy(createEscalationPolicySchema, form);
  if (!checked.ok) return checked.state;
  return (
    (await asEngineer('POST', '/v1/escalation-policies', checked.data)) ?? {
      status: 'ok',
      message: t('config.added', { what: checked.data.name }),
    }
  );
}

/** Name, repeat and levels; the level rows replace the policy's levels whole, in the order shown. */
export async function updateEscalationPolicy(
  policyId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  const checked = await checkPolicy(updateEscalationPolicySchema, form);
  if (!checked.ok) return checked.state;
  return (
    (await asEngineer('PATCH', `/v1/escalation-policies/${encodeURIComponent(policyId)}`, checked.data)) ?? {
      status: 'ok',
      message: t('config.saved'),
    }
  );
}

export async function deleteEscalationPolicy(policyId: string): Promise<FormState> {
  return (
    (await asEngineer('DELETE', `/v1/escalation-policies/${encodeURIComponent(policyId)}`)) ?? {
      status: 'ok',
    }
  );
}

const rotationPath = (rotationId: string) => `/v1/on-call-rotations/${encodeURIComponent(rotationId)}`;

/** Name, hand-off and members; the overrides have their own forms below. */
export async function updateOnCallRotation(
  rotationId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  const period = text(form, 'period');
  const day = text(form, 'handoffDay');
  const checked = await check(updateOnCallRotationSchema, {
    name: text(form, 'name'),
    timeZone: text(form, 'timeZone'),
    handoffTime: text(form, 'handoffTime'),
    period,
    handoffDay: period === 'weekly' && day !== undefined ? Number(day) : null,
    members: rows(MEMBER_ROWS).flatMap((i) => text(form, `members.${i}`) ?? []),
  });
  if (!checked.ok) return checked.state;
  return (
    (await asEngineer('PATCH', rotationPath(rotationId), checked.data)) ?? {
      status: 'ok',
      message: t('config.saved'),
    }
  );
}

type Override = { contactId: string; from: string; to: string };

/**
 * Reads the rotation's overrides, changes them and writes the list back. Two people editing the same
 * rotation's overrides at the same instant can lose one change; the page shows the result either way.
 */
async function changeOverrides(rotationId: string, change: (overrides: Override[]) => Override[]) {
  const viewer = await viewerWithRole('engineer');
  const rotation = onCallRotationSchema.parse(
    await callApi('GET', rotationPath(rotationId), { token: viewer.token }),
  );
  return asEngineer('PATCH', rotationPath(rotationId), { overrides: change(rotation.overrides) });
}

/** From and to are local times in the rotation's time zone, as the form shows them. */
export async function addOverride(
  rotationId: string,
  timeZone: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  const local = (name: string) => {
    const value = text(form, name);
    return value === undefined ? undefined : (instantOfLocalDateTime(timeZone, value) ?? value);
  };
  const checked = await check(updateOnCallRotationSchema, {
    overrides: [{ contactId: text(form, 'contactId'), from: local('from'), to: local('to') }],
  });
  if (!checked.ok) {
    const fieldErrors = Object.fromEntries(
      Object.entries(checked.state.fieldErrors ?? {}).map(([field, message]) => [
        field.replace(/^overrides\.0\./, ''),
        message,
      ]),
    );
    return { ...checked.state, fieldErrors };
  }
  const added = checked.data.overrides?.[0];
  if (!added) return { status: 'error', message: t('errors.generic') };
  try {
    return (
      (await changeOverrides(rotationId, (overrides) => [...overrides, added])) ?? {
        status: 'ok',
        message: t('people.overrideAdded'),
      }
    );
  } catch (error) {
    if (error instanceof RoleTooLowError)
      return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
    if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
    console.error('web: adding an override failed', error);
    return { status: 'error', message: t('errors.generic') };
  }
}

export async function removeOverride(rotationId: string, removed: Override): Promise<FormState> {
  const t = await getTranslations();
  try {
    const same = (o: Override) =>
      o.contactId === removed.contactId &&
      Date.parse(o.from) === Date.parse(removed.from) &&
      Date.parse(o.to) === Date.parse(removed.to);
    return (
      (await changeOverrides(rotationId, (overrides) => {
        const at = overrides.findIndex(same);
        return at < 0 ? overrides : overrides.filter((_, index) => index !== at);
      })) ?? { status: 'ok' }
    );
  } catch (error) {
    if (error instanceof RoleTooLowError)
      return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
    if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
    console.error('web: removing an override failed', error);
    return { status: 'error', message: t('errors.generic') };
  }
}
