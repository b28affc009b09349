// The configuration the cloud pushes to a gateway (DESIGN.md "Contracts"): the retained message on
// cmd/{tenantId}/{siteId}/{gatewayId}/config, and the numbered config versions the API lists with
// who changed what, whether the broker took each one and whether the gateway runs it.
import { z } from 'zod';
import { idSchema, isoDateTimeSchema } from './ids.ts';
import { configDevicesSchema } from './provisioning.ts';

/** What the broker takes in one message: AWS IoT Core refuses a PUBLISH over 128 KB. */
export const MAX_CONFIG_MESSAGE_BYTES = 128 * 1024;

/**
 * The buffer policy the cloud manages for a gateway. The folder stays the gateway's own setting; a
 * gateway without a policy keeps what its config file says.
 */
export const bufferPolicySchema = z
  .strictObject({
    maxBytes: z
      .number({ error: 'must be a whole number of bytes' })
      .int('must be a whole number of bytes')
      .min(1024 * 1024, 'must be at least 1048576 bytes (1 MiB)')
      .max(1024 ** 4, 'must be at most 1 TiB'),
    /** drop-oldest keeps the newest data; reject-new keeps the oldest. */
    whenFull: z.enum(['drop-oldest', 'reject-new'], { error: 'must be "drop-oldest" or "reject-new"' }),
  })
  .meta({ id: 'BufferPolicy' });
export type BufferPolicy = z.infer<typeof bufferPolicySchema>;

/** The part of the gateway's configuration the cloud owns: its devices and tags, and the buffer policy. */
export const pushedConfigSchema = z.strictObject({
  devices: configDevicesSchema,
  buffer: bufferPolicySchema.optional(),
});
export type PushedConfig = z.infer<typeof pushedConfigSchema>;

const versionField = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1');

/**
 * The retained message v1. `config` is the pushed configuration; when its JSON would not fit one MQTT
 * message, `configGzip` carries the same JSON gzip-compressed and base64-encoded instead. Connection
 * settings (broker, certificates) are never pushed: a bad push must not cut the gateway off.
 */
export const gatewayConfigMessageSchema = z
  .strictObject({
    v: z.literal(1, { error: 'must be 1: this is config message version 1' }),
    version: versionField,
    issuedAt: isoDateTimeSchema,
    config: pushedConfigSchema.optional(),
    configGzip: z.base64('must be base64').optional(),
  })
  .refine((m) => (m.config === undefined) !== (m.configGzip === undefined), {
    message: 'must carry exactly one of config and configGzip',
    path: ['config'],
  });
export type GatewayConfigMessage = z.infer<typeof gatewayConfigMessageSchema>;

// --- the API's view of config versions ---

export const configActorSchema = z
  .object({
    type: z.enum(['user', 'apiKey', 'system']),
    id: z.string().optional(),
  })
  .meta({ id: 'ConfigActor' });
export type ConfigActor = z.infer<typeof configActorSchema>;

export const configPublishStates = ['pending', 'published', 'superseded', 'failed'] as const;

export const gatewayConfigVersionSchema = z
  .object({
    id: idSchema,
    gatewayId: idSchema,
    version: z.number().int(),
    createdAt: isoDateTimeSchema,
    /** Who made the change. */
    changedBy: configActorSchema,
    /** What changed, in words: "tag level added to device plc-1". */
    change: z.string(),
    /** Set when this version restores an earlier one. */
    rollbackOf: z.number().int().nullable(),
    /** Whether the broker took it: pending (retried), published, superseded by a newer version, failed. */
    publish: z.object({
      state: z.enum(configPublishStates),
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      publishedAt: isoDateTimeSchema.nullable(),
    }),
    /** Size of the retained message, bytes. */
    messageBytes: z.number().int(),
  })
  .meta({ id: 'GatewayConfigVersion' });
export type GatewayConfigVersion = z.infer<typeof gatewayConfigVersionSchema>;

export const gatewayConfigVersionDetailSchema = gatewayConfigVersionSchema
  .extend({ config: pushedConfigSchema })
  .meta({ id: 'GatewayConfigVersionDetail' });
export type GatewayConfigVersionDetail = z.infer<typeof gatewayConfigVersionDetailSchema>;
