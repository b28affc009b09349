// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
// Derived tags (issue 17, ADR 0039): a site's tag computed by a formula over other tags of the same
// site, stored, charted and alarmed like a tag the gateway reads.
import { z } from 'zod';
import { MAX_FORMULA_LENGTH } from './formula.ts';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  keySchema,
  nameSchema,
} from './ids.ts';

/**
 * Telemetry names a derived tag's samples by its site (in the gateway's place), this device key and
 * its own key. Real device keys start with a letter or digit, so it cannot clash with one.
 */
export const DERIVED_DEVICE_KEY = '$derived';

const formulaSchema = z
  .string({ error: 'must be a formula such as ${inlet:flow} - ${outlet:flow}' })
  .min(1, 'must not be empty')
  .max(MAX_FORMULA_LENGTH, `must be at most ${MAX_FORMULA_LENGTH} characters`);

const unitSchema = z.string().max(32, 'must be at most 32 characters');

/** ADR 0051: the bounds of a derived tag's evaluation period and of an input's staleness, in seconds. */
export const DERIVED_PERIOD_SECONDS = { min: 1, max: 3600 } as const;
export const DERIVED_STALE_AFTER_SECONDS = { min: 1, max: 7 * 86_400 } as const;

const periodSecondsSchema = z
  .number({ error: 'must be a whole number of seconds from 1 to 3600, or null' })
  .int('must be a whole number of seconds')
  .min(DERIVED_PERIOD_SECONDS.min, 'must be at least 1 second')
  .max(DERIVED_PERIOD_SECONDS.max, 'must be at most 3600 seconds (1 hour)')
  .nullable();

const staleAfterSecondsSchema = z
  .number({ error: 'must be a whole number of seconds from 1 to 604800, or null' })
  .int('must be a whole number of seconds')
  .min(DERIVED_STALE_AFTER_SECONDS.min, 'must be at least 1 second')
  .max(DERIVED_STALE_AFTER_SECONDS.max, 'must be at most 604800 seconds (7 days)')
  .nullable();

export const derivedTagInputSchema = z
  .object({
    /** As written in the formula: ${device:tag} or ${key}. */
    reference: z.string(),
    kind: z.enum(['tag', 'derived']),
    /** The tag's or the derived tag's id. */
    id: idSchema,
  })
  .meta({ id: 'DerivedTagInput' });
export type DerivedTagInput = z.infer<typeof derivedTagInputSchema>;

export const derivedTagSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    siteId: idSchema,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    formula: z.string(),
    unit: z.string(),
    /** What the formula's references resolved to when it was saved. */
    inputs: z.array(derivedTagInputSchema),
    /**
     * ADR 0051: also computed at every multiple of this many seconds (UTC, since the epoch) from the
     * inputs' latest values; null: only when an input changes.
     */
    periodSeconds: z.number().int().nullable(),
    /** ADR 0051: an input not heard from for longer than this makes the result uncertain; null: never. */
    staleAfterSeconds: z.number().int().nullable(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'DerivedTag' });
export type DerivedTag = z.infer<typeof derivedTagSchema>;

export const createDerivedTagSchema = z
  .strictObject({
    siteId: idSchema,
    key: keySchema,
    name: nameSchema,
    description: descriptionSchema.default(''),
    formula: formulaSchema,
    unit: unitSchema.default(''),
    periodSeconds: periodSecondsSchema.default(null),
    staleAfterSeconds: staleAfterSecondsSchema.default(null),
  })
  .meta({ id: 'CreateDerivedTag' });
export type CreateDerivedTag = z.infer<typeof createDerivedTagSchema>;

export const updateDerivedTagSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    formula: formulaSchema.optional(),
    unit: unitSchema.optional(),
    /** null turns the timer off. */
    periodSeconds: periodSecondsSchema.optional(),
    /** null turns the staleness check off. */
    staleAfterSeconds: staleAfterSecondsSchema.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateDerivedTag' });
export type UpdateDerivedTag = z.infer<typeof updateDerivedTagSchema>;

export const derivedTagListSchema = z
  .object({ items: z.array(derivedTagSchema) })
  .meta({ id: 'DerivedTagList' });

/** The formula tried on the site's newest values, without saving it (the editor's live preview). */
export const previewDerivedTagSchema = z
  .strictObject({ siteId: idSchema, formula: formulaSchema, key: keySchema.optional() })
  .meta({ id: 'PreviewDerivedTag' });

export const derivedTagPreviewSchema = z
  .object({
    value: z.number().nullable(),
    quality: z.enum(['good', 'uncertain', 'bad']),
    /** Why the result is bad (an input bad or missing, division by zero). */
    reason: z.string().optional(),
    inputs: z.array(
      derivedTagInputSchema.extend({
        value: z.union([z.number(), z.boolean(), z.string()]).nullable(),
        quality: z.enum(['good', 'uncertain', 'bad']).nullable(),
        ts: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'DerivedTagPreview' });
export type DerivedTagPreview = z.infer<typeof derivedTagPreviewSchema>;
