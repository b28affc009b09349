import { z } from 'zod';
import { bufferPolicySchema } from './gateway-config.ts';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
} from './ids.ts';

/** One edge gateway per site (a site may have more, e.g. one per building). */
export const gatewaySchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    siteId: idSchema,
    name: z.string(),
    description: z.string(),
    /** Incremented on every change to the gateway's devices or tags; the pushed config carries it. */
    configVersion: z.number().int(),
    /** The disk buffer's bound and what to do once full; null (or absent): the gateway's own config file decides. */
    bufferPolicy: bufferPolicySchema.nullable().optional(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'Gateway' });
export type Gateway = z.infer<typeof gatewaySchema>;

export const createGatewaySchema = z
  .strictObject({
    siteId: idSchema,
    name: nameSchema,
    description: descriptionSchema.default(''),
  })
  .meta({ id: 'CreateGateway' });
export type CreateGateway = z.infer<typeof createGatewaySchema>;

export const updateGatewaySchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    /** A change is pushed to the gateway as a new config version; null hands the bound back to its config file. */
    bufferPolicy: bufferPolicySchema.nullable().optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateGateway' });
export type UpdateGateway = z.infer<typeof updateGatewaySchema>;
