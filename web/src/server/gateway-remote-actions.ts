'use server';
// The changes and commands of running a site from the cloud (ADR 0030), as server actions: roll a
// gateway back to a config version, import tags from CSV (a dry run first, then for real), device
// templates, and the commands that go through the gateway (browse, read once) with the bulk add of
// browsed nodes. Each checks the role, validates with the shared schema and calls the API as the viewer.
import 'server-only';
import {
  applyDeviceTemplateResultSchema,
  applyDeviceTemplateSchema,
  browseDeviceResultSchema,
  browseDeviceSchema,
  bulkTagChangesSchema,
  bulkTagResultSchema,
  type CsvRowError,
  createDeviceTemplateSchema,
  csvRowErrorSchema,
  deviceSchema,
  gatewayConfigVersionSchema,
  importTagsCsvSchema,
  importTagsResultSchema,
  type NewTag,
  newTagSchema,
  type ReadDeviceOnceResult,
  readDeviceOnceResultSchema,
  tagSchema,
} from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

type BrowseDeviceResult = z.infer<typeof browseDeviceResultSchema>;
type ImportTagsResult = z.infer<typeof importTagsResultSchema>;

export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; message: string; rows?: CsvRowError[]; issues?: string[] };

const id = encodeURIComponent;

/** Any failure as the page shows it: the API's own words for a 4xx, a plain sentence otherwise. */
async function failure(
  error: unknown,
  what: string,
): Promise<{ ok: false; message: string; issues?: string[] }> {
  const t = await getTranslations();
  if (error instanceof RoleTooLowError) {
    return { ok: false, message: t('errors.denied', { role: t(`roles.${error.needed}`) }) };
  }
  if (error instanceof ApiUnavailableError) return { ok: false, message: t('errors.apiDown') };
  if (error instanceof z.ZodError) {
    return {
      ok: false,
      message: t('errors.fixFields'),
      issues: error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    };
  }
  if (error instanceof ApiError) {
    if (error.status === 504) return { ok: false, message: t('remote.errors.timeout') };
    if (error.status === 503) return { ok: false, message: t('remote.errors.unavailable') };
    if (error.status < 500) {
      return {
        ok: false,
        message: error.message,
        ...(error.issues.length
          ? { issues: error.issues.map((issue) => `${issue.path.replace(/^body\./, '')}: ${issue.message}`) }
          : {}),
      };
    }
  }
  console.error(`web: ${what} failed`, error);
  return { ok: false, message: t('errors.generic') };
}

const asFormState = (outcome: { ok: false; message: string; issues?: string[] }): FormState => ({
  status: 'error',
  message: outcome.message,
  ...(outcome.issues?.length ? { rowErrors: outcome.issues } : {}),
});

// --- config versions ---

export async function rollbackConfig(gatewayId: string, version: number): Promise<FormState> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('engineer');
    const made = gatewayConfigVersionSchema.parse(
      await callApi('POST', `/v1/gateways/${id(gatewayId)}/config-versions/${version}/rollback`, {
        token: viewer.token,
      }),
    );
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('remote.versions.rolledBack', { version, made: made.version }) };
  } catch (error) {
    return asFormState(await failure(error, 'a rollback'));
  }
}

// --- CSV import ---

const importInput = z.object({ deviceId: z.string(), csv: z.string(), mode: z.enum(['merge', 'replace']) });

/**
 * Sends the CSV to the API's import, as a dry run or for real. A refused file comes back with the
 * API's per-row reasons (422 details: row, field, message).
 */
export async function importTagCsv(
  input: z.infer<typeof importInput>,
  dryRun: boolean,
): Promise<Outcome<ImportTagsResult>> {
  try {
    const viewer = await viewerWithRole('engineer');
    const { deviceId, csv, mode } = importInput.parse(input);
    const body = importTagsCsvSchema.parse({ csv, mode, dryRun });
    const result = importTagsResultSchema.parse(
      await callApi('POST', `/v1/devices/${id(deviceId)}/tags/import`, { token: viewer.token, body }),
    );
    if (!dryRun) revalidatePath('/', 'layout');
    return { ok: true, value: result };
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      const rows = z.array(csvRowErrorSchema).safeParse(error.details);
      if (rows.success && rows.data.length) {
        const t = await getTranslations();
        return { ok: false, message: t('remote.csv.refused', { n: rows.data.length }), rows: rows.data };
      }
    }
    return failure(error, 'a CSV import');
  }
}

// --- device templates ---

const formText = (form: FormData, name: string): string | undefined => {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** The protocol a template of this device would have; null for devices templates do not cover. */
const templateProtocolOf = (protocol: string): 'modbus' | 'opcua' | null =>
  protocol === 'modbus-tcp' || protocol === 'modbus-rtu' ? 'modbus' : protocol === 'opcua' ? 'opcua' : null;

/** Makes a template of a device's tags as they are now. */
export async function createTemplateFromDevice(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('engineer');
    const deviceId = formText(form, 'deviceId') ?? '';
    const device = deviceSchema.parse(
      await callApi('GET', `/v1/devices/${id(deviceId)}`, { token: viewer.token }),
    );
    const protocol = templateProtocolOf(device.connection.protocol);
    if (!protocol) return { status: 'error', message: t('remote.templates.notForProtocol') };
    const { tags } = z
      .object({ tags: z.array(tagSchema) })
      .parse(await callApi('GET', `/v1/tags?deviceId=${id(device.id)}`, { token: viewer.token }));
    if (!tags.length) return { status: 'error', message: t('remote.templates.noTags') };
    const body = createDeviceTemplateSchema.safeParse({
      name: formText(form, 'name'),
      description: formText(form, 'description') ?? '',
      protocol,
      tags: tags.map(
        (tag): NewTag =>
          newTagSchema.parse({
            key: tag.key,
            name: tag.name,
            description: tag.description,
            address: tag.address,
            scale: tag.scale,
            offset: tag.offset,
            unit: tag.unit,
            deadband: tag.deadband,
          }),
      ),
    });
    if (!body.success) {
      const fieldErrors = Object.fromEntries(
        body.error.issues.map((issue) => [
          String(issue.path[0] ?? 'name'),
          issue.code === 'invalid_type' ? t('common.required') : issue.message,
        ]),
      );
      return { status: 'error', message: t('errors.fixFields'), fieldErrors };
    }
    await callApi('POST', '/v1/device-templates', { token: viewer.token, body: body.data });
    revalidatePath('/', 'layout');
    return {
      status: 'ok',
      message: t('remote.templates.created', { name: body.data.name, n: body.data.tags.length }),
    };
  } catch (error) {
    return asFormState(await failure(error, 'a template'));
  }
}

/** Gives a template's tags to devices (merge keeps their other tags, replace removes them). */
export async function applyTemplate(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('engineer');
    const templateId = formText(form, 'templateId') ?? '';
    const deviceIds = form.getAll('deviceIds').filter((value): value is string => typeof value === 'string');
    const body = applyDeviceTemplateSchema.safeParse({ deviceIds, mode: formText(form, 'mode') ?? 'merge' });
    if (!body.success) {
      return { status: 'error', message: t('remote.templates.pickDevice') };
    }
    const { devices } = applyDeviceTemplateResultSchema.parse(
      await callApi('POST', `/v1/device-templates/${id(templateId)}/apply`, {
        token: viewer.token,
        body: body.data,
      }),
    );
    revalidatePath('/', 'layout');
    const sum = (key: 'created' | 'updated' | 'deleted') => devices.reduce((n, d) => n + d[key], 0);
    return {
      status: 'ok',
      message: t('remote.templates.applied', {
        devices: devices.length,
        created: sum('created'),
        updated: sum('updated'),
        deleted: sum('deleted'),
      }),
    };
  } catch (error) {
    return asFormState(await failure(error, 'applying a template'));
  }
}

export async function deleteTemplate(templateId: string, name: string): Promise<FormState> {
  const t = await getTranslations();
  try {
    const viewer = await viewerWithRole('engineer');
    await callApi('DELETE', `/v1/device-templates/${id(templateId)}`, { token: viewer.token });
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('config.removed', { what: name }) };
  } catch (error) {
    return asFormState(await failure(error, 'removing a template'));
  }
}

// --- commands through the gateway ---

const browseInput = z.object({ startNodeId: z.string().optional(), depth: z.number().int() });

export async function browseDevice(
  deviceId: string,
  input: z.infer<typeof browseInput>,
): Promise<Outcome<BrowseDeviceResult>> {
  try {
    const viewer = await viewerWithRole('engineer');
    const { startNodeId, depth } = browseInput.parse(input);
    const body = browseDeviceSchema.parse({ ...(startNodeId ? { startNodeId } : {}), depth });
    const result = browseDeviceResultSchema.parse(
      await callApi('POST', `/v1/devices/${id(deviceId)}/browse`, { token: viewer.token, body }),
    );
    return { ok: true, value: result };
  } catch (error) {
    return failure(error, 'a browse');
  }
}

export async function readDeviceOnce(deviceId: string): Promise<Outcome<ReadDeviceOnceResult>> {
  try {
    const viewer = await viewerWithRole('engineer');
    const result = readDeviceOnceResultSchema.parse(
      await callApi('POST', `/v1/devices/${id(deviceId)}/read-once`, { token: viewer.token, body: {} }),
    );
    return { ok: true, value: result };
  } catch (error) {
    return failure(error, 'a read-once');
  }
}

/** Adds the chosen browsed nodes as tags of the device, all or nothing, as one config version. */
export async function addBrowsedTags(
  deviceId: string,
  tags: NewTag[],
): Promise<Outcome<{ created: number; configVersion: number }>> {
  try {
    const viewer = await viewerWithRole('engineer');
    const body = bulkTagChangesSchema.parse({ create: tags });
    const result = bulkTagResultSchema.parse(
      await callApi('POST', `/v1/devices/${id(deviceId)}/tags/bulk`, { token: viewer.token, body }),
    );
    revalidatePath('/', 'layout');
    return { ok: true, value: { created: result.created.length, configVersion: result.configVersion } };
  } catch (error) {
    return failure(error, 'adding browsed tags');
  }
}
