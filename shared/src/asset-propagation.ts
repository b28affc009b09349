// An asset model's change carried to every asset made from it (issue 21): a preview of what would
// change on each asset (measurements added, removed, renamed, re-united; alarm rules created, updated,
// deleted) and the conflicts (a bound measurement, or one rules watch, that the change would drop),
// then an apply that changes every asset in one transaction or nothing.
import { z } from 'zod';
import { idSchema, isoDateTimeSchema, nameSchema } from './ids.ts';

/** How one conflict is settled: drop the measurement, keep it as the asset's own, or carry it to a renamed one. */
export const propagationResolutionSchema = z
  .discriminatedUnion(
    'action',
    [
      z.strictObject({ assetId: idSchema, measurement: nameSchema, action: z.literal('remove') }),
      z.strictObject({ assetId: idSchema, measurement: nameSchema, action: z.literal('keep') }),
      z.strictObject({
        assetId: idSchema,
        measurement: nameSchema,
        action: z.literal('renameTo'),
        to: nameSchema.meta({ description: "A measurement of the model, which takes this one's tag" }),
      }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union' ? 'must be "remove", "keep" or "renameTo"' : undefined,
    },
  )
  .meta({ id: 'PropagationResolution' });
export type PropagationResolution = z.infer<typeof propagationResolutionSchema>;

export const modelPropagationRequestSchema = z
  .strictObject({
    modelUpdatedAt: isoDateTimeSchema
      .optional()
      .meta({ description: "The model's updatedAt the preview was made from: 409 if it changed since" }),
    resolutions: z.array(propagationResolutionSchema).max(5000, 'must have at most 5000 entries').default([]),
  })
  .meta({ id: 'ModelPropagationRequest' });
export type ModelPropagationRequest = z.infer<typeof modelPropagationRequestSchema>;

const ruleRef = z.object({ ruleId: idSchema, name: z.string(), measurement: z.string() });

export const assetPropagationSchema = z
  .object({
    assetId: idSchema,
    siteId: idSchema,
    path: z.string(),
    measurements: z.object({
      add: z.array(z.object({ name: z.string(), unit: z.string(), tagId: idSchema.nullable() })),
      remove: z.array(z.object({ name: z.string(), tagId: idSchema.nullable() })),
      rename: z.array(z.object({ from: z.string(), to: z.string(), tagId: idSchema.nullable() })),
      unit: z.array(z.object({ name: z.string(), from: z.string(), to: z.string() })),
      keep: z.array(z.string()),
    }),
    rules: z.object({
      create: z.array(z.object({ name: z.string(), measurement: z.string(), tagId: idSchema })),
      update: z.array(ruleRef.extend({ fields: z.array(z.string()) })),
      delete: z.array(ruleRef),
      skipped: z.array(z.object({ name: z.string(), measurement: z.string(), reason: z.string() })),
    }),
    conflicts: z.array(
      z.object({
        measurement: z.string(),
        tagId: idSchema.nullable(),
        rules: z.array(z.string()),
        message: z.string(),
      }),
    ),
    changes: z.number().int(),
  })
  .meta({ id: 'AssetPropagation' });
export type AssetPropagation = z.infer<typeof assetPropagationSchema>;

export const modelPropagationSchema = z
  .object({
    assetModelId: idSchema,
    modelUpdatedAt: isoDateTimeSchema,
    applied: z.boolean(),
    /** Every asset made from the model that the caller can see, changed or not. */
    assets: z.array(assetPropagationSchema),
    changes: z.number().int(),
    conflicts: z.number().int(),
  })
  .meta({ id: 'ModelPropagation' });
export type ModelPropagation = z.infer<typeof modelPropagationSchema>;
