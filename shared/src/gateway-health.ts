// A gateway's health as the API serves it: from its retained status topic (online or the Last Will,
// driver health, buffer, applied or refused config) and from ingest (when its data last arrived).
import { z } from 'zod';
import { idSchema, isoDateTimeSchema } from './ids.ts';

export const gatewayConfigStates = ['applied', 'pending', 'rejected', 'unknown'] as const;

export const gatewayDeviceHealthSchema = z.object({
  /** The device's key as the gateway reports it, and its id when it is still configured. */
  key: z.string(),
  deviceId: idSchema.nullable(),
  connected: z.boolean(),
  lastSuccessAt: isoDateTimeSchema.nullable(),
  errorCount: z.number().int(),
  backoffMs: z.number().int(),
  lastError: z.string().nullable(),
  /** Frames, payloads or rows the gateway could not use (Sparkplug, IEC 104, CSV folders); absent: none. */
  malformed: z
    .object({ count: z.number().int(), lastError: z.string(), lastAt: isoDateTimeSchema })
    .optional(),
});

export const gatewayHealthSchema = z
  .object({
    gatewayId: idSchema,
    /** unknown: the gateway has never reported. */
    state: z.enum(['online', 'offline', 'unknown']),
    /** Since when it is in that state (the broker's receive time of the status that changed it). */
    since: isoDateTimeSchema.nullable(),
    /** When its last status arrived (every 10 s while online). */
    lastStatusAt: isoDateTimeSchema.nullable(),
    /** When its last telemetry arrived (to about 10 s). */
    lastDataAt: isoDateTimeSchema.nullable(),
    gatewayVersion: z.string().nullable(),
    config: z.object({
      /** The newest version the cloud made. */
      latestVersion: z.number().int(),
      /** The version the gateway says it runs. */
      appliedVersion: z.number().int().nullable(),
      /** applied: it runs the latest; pending: not yet; rejected: it refused the latest (and runs appliedVersion). */
      state: z.enum(gatewayConfigStates),
      rejected: z
        .object({ version: z.number().int().nullable(), reason: z.string(), at: isoDateTimeSchema })
        .nullable(),
      /** Whether the broker has taken the latest version, and the last publish error while it has not. */
      published: z.boolean(),
      publishError: z.string().nullable(),
    }),
    buffer: z
      .object({
        bytes: z.number().int(),
        maxBytes: z.number().int().nullable(),
        /** bytes / maxBytes, 0-1; null without maxBytes. */
        fill: z.number().nullable(),
        points: z.number().int(),
        droppedPoints: z.number().int(),
        lastDroppedAt: isoDateTimeSchema.nullable(),
        whenFull: z.enum(['drop-oldest', 'drop-newest']),
      })
      .nullable(),
    devices: z.array(gatewayDeviceHealthSchema),
  })
  .meta({ id: 'GatewayHealth' });
export type GatewayHealth = z.infer<typeof gatewayHealthSchema>;
