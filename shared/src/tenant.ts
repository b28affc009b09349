import { z } from 'zod';
import {
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
  timeZoneSchema,
} from './ids.ts';
import { roleSchema } from './roles.ts';

export const tenantSchema = z
  .object({
    id: idSchema,
    name: nameSchema,
    timeZone: timeZoneSchema,
    createdAt: isoDateTimeSchema,
  })
  .meta({ id: 'Tenant' });
export type Tenant = z.infer<typeof tenantSchema>;

export const updateTenantSchema = z
  .strictObject({ name: nameSchema.optional(), timeZone: timeZoneSchema.optional() })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateTenant' });
export type UpdateTenant = z.infer<typeof updateTenantSchema>;

export const emailSchema = z
  .email({ message: 'must be an e-mail address' })
  .max(254, 'must be at most 254 characters')
  .transform((email) => email.toLowerCase());

/** At least 10 characters: long beats complex (NIST SP 800-63B); capped so hashing stays bounded. */
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters');

export const userSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    /** null: every site of the tenant; otherwise only these sites. */
    siteIds: z.array(idSchema).nullable(),
    /** pending: signed up, e-mail address not verified yet (such a user cannot log in). */
    status: z.enum(['active', 'invited', 'pending']),
    mfaEnabled: z.boolean().meta({ description: 'Logs in with a second factor (TOTP)' }),
    /** Answered by the /v1/users routes (ADR 0042). */
    assetIds: z.array(idSchema).optional().meta({
      description:
        'The areas (assets, each with everything under it) the user sees besides the sites in siteIds; operators and viewers only',
    }),
    contactId: idSchema.nullable().optional().meta({
      description: 'The contact the user is paged as: skipped for alarms outside the areas the user sees',
    }),
    createdAt: isoDateTimeSchema,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;
