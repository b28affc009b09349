// Many tags of one device at once: bulk create/change/delete (one transaction, one config version),
// CSV import and export, and device templates (a register map or node list many devices use).
import { z } from 'zod';
import { descriptionSchema, idSchema, isoDateTimeSchema, nameSchema } from './ids.ts';
import { createTagSchema, tagSchema, updateTagSchema } from './tag.ts';

/** The most tags one bulk request, CSV import or template may carry. */
export const MAX_BULK_TAGS = 5000;

/**
 * The CSV columns, in export order. Modbus tags use area, address, type, bit and length; OPC UA
 * tags use nodeId. Import takes them in any order, by header name; unknown columns are refused.
 */
export const TAG_CSV_COLUMNS = [
  'key',
  'name',
  'description',
  'unit',
  'scale',
  'offset',
  'deadband',
  'area',
  'address',
  'type',
  'bit',
  'length',
  'nodeId',
] as const;

/** A tag without its device: what a bulk create, a CSV row and a template carry. */
export const newTagSchema = createTagSchema.omit({ deviceId: true }).meta({ id: 'NewTag' });
export type NewTag = z.infer<typeof newTagSchema>;

export const bulkTagChangesSchema = z
  .strictObject({
    create: z.array(newTagSchema).max(MAX_BULK_TAGS, `must hold at most ${MAX_BULK_TAGS} tags`).default([]),
    update: z
      .array(z.strictObject({ id: idSchema, patch: updateTagSchema }))
      .max(MAX_BULK_TAGS, `must hold at most ${MAX_BULK_TAGS} tags`)
      .default([]),
    delete: z.array(idSchema).max(MAX_BULK_TAGS, `must hold at most ${MAX_BULK_TAGS} tags`).default([]),
  })
  .refine((b) => b.create.length + b.update.length + b.delete.length > 0, 'send at least one change')
  .meta({ id: 'BulkTagChanges' });
export type BulkTagChanges = z.infer<typeof bulkTagChangesSchema>;

export const bulkTagResultSchema = z
  .object({
    created: z.array(tagSchema),
    updated: z.array(tagSchema),
    deleted: z.array(idSchema),
    /** The gateway's config version that carries the change. */
    configVersion: z.number().int(),
  })
  .meta({ id: 'BulkTagResult' });

/**
 * merge: rows add tags or change the tag with the same key; tags not in the file stay.
 * replace: the file is the device's whole tag list; tags not in it are deleted.
 */
export const tagImportModes = ['merge', 'replace'] as const;

export const importTagsCsvSchema = z
  .strictObject({
    csv: z.string().min(1, 'must not be empty').max(900_000, 'must be at most 900000 characters'),
    mode: z.enum(tagImportModes).default('merge'),
    /** Check every row and say what would change, without changing anything. */
    dryRun: z.boolean().default(false),
  })
  .meta({ id: 'ImportTagsCsv' });

export const csvRowErrorSchema = z.object({
  /** The row as a spreadsheet numbers it: the header is row 1. */
  row: z.number().int(),
  field: z.string(),
  message: z.string(),
});
export type CsvRowError = z.infer<typeof csvRowErrorSchema>;

export const importTagsResultSchema = z
  .object({
    dryRun: z.boolean(),
    /** Keys of the tags added, changed, deleted and left as they were. */
    created: z.array(z.string()),
    updated: z.array(z.string()),
    deleted: z.array(z.string()),
    unchanged: z.array(z.string()),
    /** The new config version; null for a dry run or when nothing changed. */
    configVersion: z.number().int().nullable(),
  })
  .meta({ id: 'ImportTagsResult' });

// --- device templates ---

export const templateProtocols = ['modbus', 'opcua'] as const;

function uniqueKeys(tags: readonly { key: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  tags.forEach((tag, index) => {
    if (seen.has(tag.key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tags', index, 'key'],
        message: `duplicate tag key "${tag.key}"`,
      });
    }
    seen.add(tag.key);
  });
}

function addressesFit(
  template: {
    protocol?: (typeof templateProtocols)[number] | undefined;
    tags?: readonly NewTag[] | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (!template.protocol || !template.tags) return;
  template.tags.forEach((tag, index) => {
    if (tag.address.kind !== template.protocol) {
      ctx.addIssue({
        code: 'custom',
        path: ['tags', index, 'address', 'kind'],
        message: `a ${template.protocol} template needs ${template.protocol} addresses`,
      });
    }
  });
}

const templateTags = z
  .array(newTagSchema)
  .min(1, 'a template needs at least one tag')
  .max(MAX_BULK_TAGS, `must hold at most ${MAX_BULK_TAGS} tags`);

export const deviceTemplateSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    description: z.string(),
    protocol: z.enum(templateProtocols),
    tags: z.array(newTagSchema),
    /** The devices (that the caller may see) made from or given this template. */
    deviceIds: z.array(idSchema),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'DeviceTemplate' });
export type DeviceTemplate = z.infer<typeof deviceTemplateSchema>;

export const createDeviceTemplateSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.default(''),
    protocol: z.enum(templateProtocols, { error: 'must be "modbus" or "opcua"' }),
    tags: templateTags,
  })
  .superRefine((t, ctx) => {
    uniqueKeys(t.tags, ctx);
    addressesFit(t, ctx);
  })
  .meta({ id: 'CreateDeviceTemplate' });
export type CreateDeviceTemplate = z.infer<typeof createDeviceTemplateSchema>;

/** The protocol is fixed; tags are replaced whole. */
export const updateDeviceTemplateSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    tags: templateTags.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.tags) uniqueKeys(t.tags, ctx);
    if (t.name === undefined && t.description === undefined && t.tags === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'send at least one field to change' });
    }
  })
  .meta({ id: 'UpdateDeviceTemplate' });
export type UpdateDeviceTemplate = z.infer<typeof updateDeviceTemplateSchema>;

export const applyDeviceTemplateSchema = z
  .strictObject({
    deviceIds: z.array(idSchema).min(1, 'name at least one device').max(500, 'must name at most 500 devices'),
    mode: z.enum(tagImportModes).default('merge'),
  })
  .meta({ id: 'ApplyDeviceTemplate' });

export const applyDeviceTemplateResultSchema = z
  .object({
    devices: z.array(
      z.object({
        deviceId: idSchema,
        created: z.number().int(),
        updated: z.number().int(),
        deleted: z.number().int(),
        configVersion: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: 'ApplyDeviceTemplateResult' });
