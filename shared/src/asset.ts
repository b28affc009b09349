// The asset hierarchy (issue 21): assets in a tree under a site (area → line → equipment, any depth),
// their attributes and measurements bound to tags of the same site, asset models (types) with their
// measurement definitions and default alarm rules, the tree with alarm counts, and the JSON a site's
// hierarchy is exported as and imported from.
import { z } from 'zod';
import { alarmSeveritySchema } from './alarm-rule.ts';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  keySchema,
  nameSchema,
} from './ids.ts';

const shortText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

/** What kind of node an asset is, in the plant's words ("area", "line", "equipment"); free text. */
export const assetLevelSchema = shortText(40);

export const assetDocumentSchema = z.strictObject({
  title: nameSchema,
  url: z
    .url({ protocol: /^https?$/, message: 'must be an http or https address' })
    .max(2000, 'must be at most 2000 characters'),
});
export type AssetDocument = z.infer<typeof assetDocumentSchema>;

/** A calendar date, YYYY-MM-DD (an installation date has no time of day or zone). */
export const calendarDateSchema = z.iso.date({ message: 'must be a date, YYYY-MM-DD' });

const attributeFields = {
  make: shortText(200),
  model: shortText(200),
  serial: shortText(200),
  installDate: calendarDateSchema.nullable(),
  documents: z.array(assetDocumentSchema).max(50, 'must have at most 50 documents'),
};

/** A measurement of an asset: a name in the asset's terms, its unit, and the tag it reads (or none yet). */
export const assetMeasurementSchema = z
  .object({
    name: nameSchema,
    unit: shortText(40),
    tagId: idSchema.nullable(),
  })
  .meta({ id: 'AssetMeasurement' });
export type AssetMeasurement = z.infer<typeof assetMeasurementSchema>;

const measurementInputSchema = z.strictObject({
  name: nameSchema,
  unit: shortText(40).default(''),
  tagId: idSchema.nullable().default(null),
});

const measurementListSchema = z
  .array(measurementInputSchema)
  .max(200, 'must have at most 200 measurements')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((measurement, index) => {
      const key = measurement.name.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `"${measurement.name}" appears twice`,
        });
      seen.add(key);
    });
  });

export const assetSchema = z
  .object({
    id: idSchema,
    siteId: idSchema,
    parentId: idSchema.nullable(),
    name: z.string(),
    level: z.string(),
    assetModelId: idSchema.nullable(),
    make: z.string(),
    model: z.string(),
    serial: z.string(),
    installDate: z.string().nullable(),
    documents: z.array(assetDocumentSchema),
    measurements: z.array(assetMeasurementSchema),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'Asset' });
export type Asset = z.infer<typeof assetSchema>;

export const createAssetSchema = z
  .strictObject({
    siteId: idSchema,
    parentId: idSchema.nullable().default(null),
    name: nameSchema,
    level: assetLevelSchema.default(''),
    make: attributeFields.make.default(''),
    model: attributeFields.model.default(''),
    serial: attributeFields.serial.default(''),
    installDate: attributeFields.installDate.default(null),
    documents: attributeFields.documents.default([]),
    measurements: measurementListSchema.default([]),
  })
  .meta({ id: 'CreateAsset' });
export type CreateAsset = z.infer<typeof createAssetSchema>;

/** A patch; `measurements`, when sent, replaces the whole list. Moving is its own operation. */
export const updateAssetSchema = z
  .strictObject({
    name: nameSchema.optional(),
    level: assetLevelSchema.optional(),
    make: attributeFields.make.optional(),
    model: attributeFields.model.optional(),
    serial: attributeFields.serial.optional(),
    installDate: attributeFields.installDate.optional(),
    documents: attributeFields.documents.optional(),
    measurements: measurementListSchema.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateAsset' });
export type UpdateAsset = z.infer<typeof updateAssetSchema>;

export const moveAssetSchema = z
  .strictObject({
    parentId: idSchema
      .nullable()
      .meta({ description: 'The new parent, in the same site; null: a top-level asset' }),
  })
  .meta({ id: 'MoveAsset' });
export type MoveAsset = z.infer<typeof moveAssetSchema>;

// --- asset models ---

/**
 * How a measurement finds its tag when an asset is made from the model: a pattern over
 * "deviceKey/tagKey" of the site's tags, `*` matching any run of characters except "/", and `{key}`
 * replaced by the key given for the new asset ("*\/{key}_run" finds plc-1/pump2_run for key "pump2").
 */
export const tagPatternSchema = z
  .string()
  .trim()
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9_.\-*/{}]*$/, 'may use letters, digits, "_", ".", "-", "*", "/" and {key}');

export const assetModelMeasurementSchema = z
  .strictObject({
    name: nameSchema,
    unit: shortText(40).default(''),
    tagPattern: tagPatternSchema.default(''),
  })
  .meta({ id: 'AssetModelMeasurement' });

/**
 * A default alarm rule of a model: an alarm rule body (as POST /v1/alarm-rules takes it) without
 * `tagId`, on one of the model's measurements. Made for each asset created from the model.
 */
export const assetModelAlarmRuleSchema = z
  .strictObject({
    measurement: nameSchema,
    rule: z
      .record(z.string(), z.unknown())
      .meta({ description: 'An alarm rule body without tagId (kind, name, levels or severity, …)' }),
  })
  .meta({ id: 'AssetModelAlarmRule' });
export type AssetModelAlarmRule = z.infer<typeof assetModelAlarmRuleSchema>;

export const assetModelSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    description: z.string(),
    level: z.string(),
    measurements: z.array(
      z
        .object({ name: z.string(), unit: z.string(), tagPattern: z.string() })
        .meta({ id: 'AssetModelMeasurementOut' }),
    ),
    alarmRules: z.array(
      z
        .object({ measurement: z.string(), rule: z.record(z.string(), z.unknown()) })
        .meta({ id: 'AssetModelAlarmRuleOut' }),
    ),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'AssetModel' });
export type AssetModel = z.infer<typeof assetModelSchema>;

const modelMeasurementsSchema = z
  .array(assetModelMeasurementSchema)
  .max(200, 'must have at most 200 measurements')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((measurement, index) => {
      const key = measurement.name.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `"${measurement.name}" appears twice`,
        });
      seen.add(key);
    });
  });

export const createAssetModelSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.default(''),
    level: assetLevelSchema.default('equipment'),
    measurements: modelMeasurementsSchema.default([]),
    alarmRules: z.array(assetModelAlarmRuleSchema).max(100, 'must have at most 100 rules').default([]),
  })
  .meta({ id: 'CreateAssetModel' });
export type CreateAssetModel = z.infer<typeof createAssetModelSchema>;

export const updateAssetModelSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    level: assetLevelSchema.optional(),
    measurements: modelMeasurementsSchema.optional(),
    alarmRules: z.array(assetModelAlarmRuleSchema).max(100, 'must have at most 100 rules').optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateAssetModel' });
export type UpdateAssetModel = z.infer<typeof updateAssetModelSchema>;

export const createAssetFromModelSchema = z
  .strictObject({
    siteId: idSchema,
    parentId: idSchema.nullable().default(null),
    name: nameSchema,
    key: z
      .union([keySchema, z.literal('')])
      .default('')
      .meta({ description: 'Put in place of {key} in the model’s tag patterns' }),
    make: attributeFields.make.default(''),
    model: attributeFields.model.default(''),
    serial: attributeFields.serial.default(''),
    installDate: attributeFields.installDate.default(null),
    documents: attributeFields.documents.default([]),
    /** By hand: measurement name → tag id (or null: leave it unbound), over the patterns. */
    bindings: z.record(z.string(), idSchema.nullable()).default({}),
    alarmRules: z
      .boolean()
      .default(true)
      .meta({ description: 'Create the model’s default alarm rules on the bound measurements' }),
  })
  .meta({ id: 'CreateAssetFromModel' });
export type CreateAssetFromModel = z.infer<typeof createAssetFromModelSchema>;

export const assetFromModelResultSchema = z
  .object({
    asset: assetSchema,
    alarmRuleIds: z.array(idSchema),
  })
  .meta({ id: 'AssetFromModel' });

// --- the tree ---

export const severityCountsSchema = z
  .object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number() })
  .meta({ id: 'SeverityCounts' });
export type SeverityCounts = z.infer<typeof severityCountsSchema>;

export interface AssetTreeNode {
  id: string;
  name: string;
  level: string;
  assetModelId: string | null;
  measurementCount: number;
  /** Active alarms (not back to normal), in service and not shelved, on this asset alone. */
  alarms: SeverityCounts;
  /** The same over the asset and everything under it. */
  alarmsRolledUp: SeverityCounts;
  children: AssetTreeNode[];
}

export const assetTreeNodeSchema: z.ZodType<AssetTreeNode> = z
  .object({
    id: idSchema,
    name: z.string(),
    level: z.string(),
    assetModelId: idSchema.nullable(),
    measurementCount: z.number(),
    alarms: severityCountsSchema,
    alarmsRolledUp: severityCountsSchema,
    get children() {
      return z.array(assetTreeNodeSchema);
    },
  })
  .meta({ id: 'AssetTreeNode' });

export const assetTreeSchema = z
  .object({
    siteId: idSchema,
    assets: z.array(assetTreeNodeSchema),
    alarmSeverities: z.array(alarmSeveritySchema),
  })
  .meta({ id: 'AssetTree' });
export type AssetTree = z.infer<typeof assetTreeSchema>;

// --- import and export ---

/** A tag named portably: the same keys find it at another site with the same plant. */
export const tagRefSchema = z
  .string()
  .regex(/^[^/]+\/[^/]+\/[^/]+$/, 'must be "gateway name/device key/tag key"');

const exportMeasurementSchema = z.strictObject({
  name: nameSchema,
  unit: shortText(40).default(''),
  tag: tagRefSchema.nullable().default(null),
});

export const assetExportNodeSchema = z
  .strictObject({
    name: nameSchema,
    level: assetLevelSchema.default(''),
    assetModel: nameSchema.nullable().default(null),
    make: attributeFields.make.default(''),
    model: attributeFields.model.default(''),
    serial: attributeFields.serial.default(''),
    installDate: attributeFields.installDate.default(null),
    documents: attributeFields.documents.default([]),
    measurements: z.array(exportMeasurementSchema).max(200, 'must have at most 200 measurements').default([]),
    get children(): z.ZodDefault<z.ZodArray<typeof assetExportNodeSchema>> {
      return z.array(assetExportNodeSchema).max(1000, 'must have at most 1000 children').default([]);
    },
  })
  .meta({ id: 'AssetExportNode' });
export type AssetExportNode = z.output<typeof assetExportNodeSchema>;

export const assetHierarchySchema = z
  .strictObject({
    format: z.literal('plantwatch-assets/1', { error: 'must be "plantwatch-assets/1"' }),
    site: z.string().optional().meta({ description: 'The site it was exported from (informative)' }),
    assets: z.array(assetExportNodeSchema).max(1000, 'must have at most 1000 top-level assets'),
  })
  .meta({ id: 'AssetHierarchy' });
export type AssetHierarchy = z.infer<typeof assetHierarchySchema>;

export const importAssetsQuerySchema = z.object({
  mode: z
    .enum(['add', 'replace'], { error: 'must be "add" or "replace"' })
    .default('add')
    .meta({ description: 'add: beside the existing assets; replace: the site’s assets deleted first' }),
});

export const importAssetsResultSchema = z
  .object({ created: z.number(), deleted: z.number(), unboundMeasurements: z.array(z.string()) })
  .meta({ id: 'ImportAssetsResult' });
