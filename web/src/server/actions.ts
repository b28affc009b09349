'use server';
// Every change the web app makes, as server actions: check the role, validate with the shared
// schema, call the API with the viewer's token (the API checks again), refresh the pages.
import 'server-only';
import {
  acceptInviteSchema,
  createApiKeySchema,
  createDeviceKeySchema,
  createDeviceSchema,
  createdApiKeySchema,
  createdDeviceKeySchema,
  createGatewaySchema,
  createSiteSchema,
  createTagSchema,
  invitationSchema,
  inviteUserSchema,
  type Role,
  roleSchema,
  sessionSchema,
  updateSiteSchema,
  updateUserSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { startWebSession } from './auth.ts';
import { serverConfig } from './config.ts';
import { planLimitState } from './plan-limit.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

/** What the schema refused, by field; mutate() words it in the viewer's language. */
class InvalidFormError extends Error {
  readonly issues: { field: string; missing: boolean; message: string }[];
  constructor(issues: InvalidFormError['issues']) {
    super('the form has invalid fields');
    this.name = 'InvalidFormError';
    this.issues = issues;
  }
}

function validate<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidFormError(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || 'form',
      missing: issue.code === 'invalid_type',
      message: issue.message,
    })),
  );
}

/** Turns any failure into what the form shows; unexpected ones are logged and shown generically. */
async function mutate(work: () => Promise<FormState>): Promise<FormState> {
  const t = await getTranslations();
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidFormError) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of error.issues)
        fieldErrors[issue.field] ??= issue.missing ? t('common.required') : issue.message;
      return { status: 'error', message: t('errors.fixFields'), fieldErrors };
    }
    if (error instanceof RoleTooLowError)
      return { status: 'error', message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
    if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
    const limited = await planLimitState(error);
    if (limited) return limited;
    if (error instanceof ApiError && error.status < 500) {
      const fieldErrors = Object.fromEntries(
        error.issues.map((issue) => [issue.path.replace(/^body\./, ''), issue.message]),
      );
      return {
        status: 'error',
        message: error.issues.length ? t('errors.fixFields') : error.message,
        fieldErrors,
      };
    }
    console.error('web: a change failed', error);
    return { status: 'error', message: t('errors.generic') };
  }
}

const text = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};
const number = (form: FormData, name: string): number | undefined => {
  const value = text(form, name);
  return value === undefined ? undefined : Number(value);
};

async function change(role: Role, method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
  const viewer = await viewerWithRole(role);
  return callApi(method, path, { token: viewer.token, body });
}

// --- account ---

/** Sets the invited user's password; the session the API answers signs the browser in. */
export async function acceptInvite(_previous: FormState, form: FormData): Promise<FormState> {
  return mutate(async () => {
    const input = validate(acceptInviteSchema, {
      token: text(form, 'token'),
      password: form.get('password'),
      name: text(form, 'name'),
    });
    await startWebSession(
      sessionSchema.parse(await callApi('POST', '/v1/auth/accept-invite', { body: input })),
    );
    return { status: 'ok' };
  });
}

// --- plant ---

export async function createSite(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const latitude = number(form, 'location.latitude');
    const longitude = number(form, 'location.longitude');
    const input = validate(createSiteSchema, {
      name: text(form, 'name'),
      description: text(form, 'description'),
      timeZone: text(form, 'timeZone'),
      location: latitude === undefined && longitude === undefined ? null : { latitude, longitude },
    });
    await change('engineer', 'POST', '/v1/sites', input);
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('config.added', { what: input.name }) };
  });
}

export async function updateSite(siteId: string, _previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const latitude = number(form, 'location.latitude');
    const longitude = number(form, 'location.longitude');
    const input = validate(updateSiteSchema, {
      name: text(form, 'name'),
      description: text(form, 'description') ?? '',
      timeZone: text(form, 'timeZone'),
      location: latitude === undefined && longitude === undefined ? null : { latitude, longitude },
    });
    await change('engineer', 'PATCH', `/v1/sites/${encodeURIComponent(siteId)}`, input);
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('config.saved') };
  });
}

export async function deleteSite(siteId: string): Promise<FormState> {
  return mutate(async () => {
    await change('engineer', 'DELETE', `/v1/sites/${encodeURIComponent(siteId)}`);
    revalidatePath('/', 'layout');
    return { status: 'ok' };
  });
}

export async function createGateway(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const input = validate(createGatewaySchema, {
      siteId: text(form, 'siteId'),
      name: text(form, 'name'),
      description: text(form, 'description'),
    });
    await change('engineer', 'POST', '/v1/gateways', input);
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('config.added', { what: input.name }) };
  });
}

export async function deleteGateway(gatewayId: string): Promise<FormState> {
  return mutate(async () => {
    await change('engineer', 'DELETE', `/v1/gateways/${encodeURIComponent(gatewayId)}`);
    revalidatePath('/', 'layout');
    return { status: 'ok' };
  });
}

function connectionFrom(form: FormData) {
  const protocol = text(form, 'connection.protocol');
  if (protocol === 'modbus-tcp') {
    return {
      protocol,
      host: text(form, 'connection.host'),
      port: number(form, 'connection.port'),
      unitId: number(form, 'connection.unitId'),
      pollMs: number(form, 'connection.pollMs'),
    };
  }
  if (protocol === 'modbus-rtu') {
    return {
      protocol,
      path: text(form, 'connection.path'),
      baudRate: number(form, 'connection.baudRate'),
      parity: text(form, 'connection.parity'),
      unitId: number(form, 'connection.unitId'),
      pollMs: number(form, 'connection.pollMs'),
    };
  }
  return {
    protocol,
    endpoint: text(form, 'connection.endpoint'),
    securityMode: text(form, 'connection.securityMode'),
    securityPolicy: text(form, 'connection.securityPolicy'),
    mode: text(form, 'connection.mode'),
  };
}

export async function createDevice(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const input = validate(createDeviceSchema, {
      gatewayId: text(form, 'gatewayId'),
      key: text(form, 'key'),
      name: text(form, 'name'),
      description: text(form, 'description'),
      connection: connectionFrom(form),
    });
    await change('engineer', 'POST', '/v1/devices', input);
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('config.added', { what: input.name }) };
  });
}

export async function deleteDevice(deviceId: string): Promise<FormState> {
  return mutate(async () => {
    await change('engineer', 'DELETE', `/v1/devices/${encodeURIComponent(deviceId)}`);
    revalidatePath('/', 'layout');
    return { status: 'ok' };
  });
}

export async function createTag(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const kind = text(form, 'address.kind');
    const input = validate(createTagSchema, {
      deviceId: text(form, 'deviceId'),
      key: text(form, 'key'),
      name: text(form, 'name'),
      unit: text(form, 'unit'),
      scale: number(form, 'scale'),
      offset: number(form, 'offset'),
      deadband: number(form, 'deadband'),
      address:
        kind === 'opcua'
          ? { kind, nodeId: text(form, 'address.nodeId') }
          : {
              kind,
              area: text(form, 'address.area'),
              address: number(form, 'address.address'),
              type: text(form, 'address.type'),
            },
    });
    await change('engineer', 'POST', '/v1/tags', input);
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('config.added', { what: input.name }) };
  });
}

export async function deleteTag(tagId: string): Promise<FormState> {
  return mutate(async () => {
    await change('engineer', 'DELETE', `/v1/tags/${encodeURIComponent(tagId)}`);
    revalidatePath('/', 'layout');
    return { status: 'ok' };
  });
}

// --- users and API keys ---

export async function inviteUser(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const input = validate(inviteUserSchema, {
      email: text(form, 'email'),
      name: text(form, 'name'),
      role: text(form, 'role'),
    });
    const invitation = invitationSchema.parse(await change('admin', 'POST', '/v1/users', input));
    revalidatePath('/users');
    const link = `${serverConfig().NEXTAUTH_URL ?? ''}/accept-invite#${invitation.inviteToken}`;
    return {
      status: 'ok',
      message: t('users.inviteCreated', { email: invitation.user.email }),
      secret: { label: t('users.inviteLink'), value: link },
    };
  });
}

export async function changeRole(userId: string, _previous: FormState, form: FormData): Promise<FormState> {
  return mutate(async () => {
    const input = validate(updateUserSchema, { role: roleSchema.safeParse(text(form, 'role')).data });
    await change('admin', 'PATCH', `/v1/users/${encodeURIComponent(userId)}`, input);
    revalidatePath('/users');
    return { status: 'ok' };
  });
}

/**
 * A user's areas and paging contact (ADR 0042). Areas for a user who sees every site mean "these areas
 * only": the sites seen whole become none, as the form says beside the choice.
 */
export async function setUserAreas(
  userId: string,
  seesEverySite: boolean,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations('userAreas');
  return mutate(async () => {
    const assetIds = form.getAll('assetIds').filter((value): value is string => typeof value === 'string');
    const input = validate(updateUserSchema, {
      assetIds,
      contactId: text(form, 'contactId') ?? null,
      ...(seesEverySite && assetIds.length > 0 ? { siteIds: [] } : {}),
    });
    await change('admin', 'PATCH', `/v1/users/${encodeURIComponent(userId)}`, input);
    revalidatePath(`/users/${userId}`);
    revalidatePath('/users');
    return { status: 'ok', message: t('saved') };
  });
}

export async function removeUser(userId: string): Promise<FormState> {
  return mutate(async () => {
    await change('admin', 'DELETE', `/v1/users/${encodeURIComponent(userId)}`);
    revalidatePath('/users');
    return { status: 'ok' };
  });
}

export async function createApiKey(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const input = validate(createApiKeySchema, { name: text(form, 'name'), role: text(form, 'role') });
    const created = createdApiKeySchema.parse(await change('admin', 'POST', '/v1/api-keys', input));
    revalidatePath('/api-keys');
    return {
      status: 'ok',
      message: t('apiKeys.createdOnce', { name: created.apiKey.name }),
      secret: { label: t('apiKeys.secret'), value: created.secret },
    };
  });
}

export async function revokeApiKey(apiKeyId: string): Promise<FormState> {
  return mutate(async () => {
    await change('admin', 'DELETE', `/v1/api-keys/${encodeURIComponent(apiKeyId)}`);
    revalidatePath('/api-keys');
    return { status: 'ok' };
  });
}

// --- HTTP push device keys (issue 18) ---

const deviceKeysPath = (deviceId: string) => `/v1/devices/${encodeURIComponent(deviceId)}/keys`;

export async function createDeviceKey(
  deviceId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  return mutate(async () => {
    const input = validate(createDeviceKeySchema, { name: text(form, 'name') });
    const created = createdDeviceKeySchema.parse(
      await change('engineer', 'POST', deviceKeysPath(deviceId), input),
    );
    revalidatePath(`/config/devices/${deviceId}`);
    return {
      status: 'ok',
      message: t('deviceKeys.createdOnce', { name: created.name }),
      secret: { label: t('deviceKeys.secret'), value: created.key },
    };
  });
}

export async function revokeDeviceKey(deviceId: string, keyId: string): Promise<FormState> {
  return mutate(async () => {
    await change('engineer', 'DELETE', `${deviceKeysPath(deviceId)}/${encodeURIComponent(keyId)}`);
    revalidatePath(`/config/devices/${deviceId}`);
    return { status: 'ok' };
  });
}
