import { z } from 'zod';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
  timeZoneSchema,
} from './ids.ts';

const locationSchema = z.object({
  latitude: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90'),
  longitude: z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180'),
});

export const siteSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    description: z.string(),
    timeZone: z.string(),
    location: locationSchema.nullable(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'Site' });
export type Site = z.infer<typeof siteSchema>;

export const createSiteSchema = z
  .strictObject({
    name: nameSchema,
    description: descriptionSchema.default(''),
    timeZone: timeZoneSchema.default('UTC'),
    location: locationSchema.nullable().default(null),
  })
  .meta({ id: 'CreateSite' });
export type CreateSite = z.infer<typeof createSiteSchema>;

export const updateSiteSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    location: locationSchema.nullable().optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateSite' });
export type UpdateSite = z.infer<typeof updateSiteSchema>;
