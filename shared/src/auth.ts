import { z } from 'zod';
import { loginChallengeSchema } from './account-security.ts';
import {
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
  timeZoneSchema,
} from './ids.ts';
import { roleSchema } from './roles.ts';
import { emailSchema, passwordSchema, tenantSchema, userSchema } from './tenant.ts';

export const signUpSchema = z
  .strictObject({
    tenantName: nameSchema,
    timeZone: timeZoneSchema.default('UTC'),
    name: nameSchema,
    email: emailSchema,
    password: passwordSchema,
  })
  .meta({ id: 'SignUp' });
export type SignUp = z.infer<typeof signUpSchema>;

export const loginSchema = z
  .strictObject({
    email: emailSchema,
    password: z.string().min(1, 'must not be empty').max(256),
    deviceToken: z.string().max(200, 'must be at most 200 characters').optional().meta({
      description:
        'The long-lived device token a previous login on this device returned (keep it in a cookie): a device that logged in before is not held back by failed logins from elsewhere',
    }),
  })
  .meta({ id: 'Login' });
export type Login = z.infer<typeof loginSchema>;

export const sessionSchema = z
  .object({
    token: z.string().meta({ description: 'Bearer token; shown only in this response' }),
    expiresAt: isoDateTimeSchema,
    user: userSchema,
    tenant: tenantSchema,
    deviceToken: z.string().optional().meta({
      description:
        'Set when this login registered the device: keep it (an httpOnly cookie for a year) and send it with the next login',
    }),
    recoveryCodes: z
      .array(z.string())
      .optional()
      .meta({ description: 'Set when this login completed a required MFA enrolment: shown only here' }),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof sessionSchema>;

/** A login answers with a session, or with a challenge (a second factor is needed first). */
export const loginResultSchema = z.union([sessionSchema, loginChallengeSchema]).meta({ id: 'LoginResult' });
export type LoginResult = z.infer<typeof loginResultSchema>;

export const meSchema = z
  .object({
    user: userSchema.nullable().meta({ description: 'null when authenticated with an API key' }),
    tenant: tenantSchema,
    role: roleSchema,
    via: z.enum(['session', 'apiKey']),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof meSchema>;

export const inviteUserSchema = z
  .strictObject({
    email: emailSchema,
    name: nameSchema,
    role: roleSchema,
    siteIds: z.array(idSchema).nullable().default(null),
    /** As in UpdateUser (ADR 0042): areas besides the sites, and the contact the user is paged as. */
    assetIds: z.array(idSchema).max(100, 'must list at most 100 assets').optional(),
    contactId: idSchema.nullable().optional(),
  })
  .meta({ id: 'InviteUser' });
export type InviteUser = z.infer<typeof inviteUserSchema>;

export const invitationSchema = z
  .object({
    user: userSchema,
    inviteToken: z.string().meta({ description: 'Single-use; shown only in this response' }),
    expiresAt: isoDateTimeSchema,
  })
  .meta({ id: 'Invitation' });

export const acceptInviteSchema = z
  .strictObject({
    token: z.string().min(1, 'must not be empty'),
    password: passwordSchema,
    name: nameSchema.optional(),
  })
  .meta({ id: 'AcceptInvite' });
export type AcceptInvite = z.infer<typeof acceptInviteSchema>;

export const updateUserSchema = z
  .strictObject({
    role: roleSchema.optional(),
    siteIds: z.array(idSchema).nullable().optional(),
    name: nameSchema.optional(),
    /** Replaces the user's areas (ADR 0042); [] takes them away. */
    assetIds: z.array(idSchema).max(100, 'must list at most 100 assets').optional().meta({
      description:
        'The areas (assets, each with everything under it) an operator or viewer sees besides the sites in siteIds, which must then be a list ([] for none); [] takes them away',
    }),
    contactId: idSchema.nullable().optional().meta({
      description: 'The contact the user is paged as (null: none); paged only for alarms the user sees',
    }),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateUser' });
export type UpdateUser = z.infer<typeof updateUserSchema>;

export const apiKeySchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    role: roleSchema,
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    createdAt: isoDateTimeSchema,
    lastUsedAt: isoDateTimeSchema.nullable(),
    revokedAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof apiKeySchema>;

export const createApiKeySchema = z
  .strictObject({ name: nameSchema, role: roleSchema.default('viewer') })
  .meta({ id: 'CreateApiKey' });
export type CreateApiKey = z.infer<typeof createApiKeySchema>;

export const createdApiKeySchema = z
  .object({
    apiKey: apiKeySchema,
    secret: z.string().meta({ description: 'Shown only once; stored hashed' }),
  })
  .meta({ id: 'CreatedApiKey' });
