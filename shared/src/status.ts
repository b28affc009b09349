// The gateway status message v1, retained on dt/{tenantId}/{siteId}/{gatewayId}/status.
import { z } from 'zod';
import { keySchema } from './ids.ts';
import { epochMsSchema } from './telemetry.ts';
import { topicIdSchema } from './topics.ts';

const count = (what: string) =>
  z
    .number({ error: `must be a whole number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .min(0, 'must not be negative');

const versionField = z.literal(1, { error: 'must be 1: this is status message version 1' });
const gatewayField = topicIdSchema.meta({
  description: 'Gateway id; must equal the gateway id in the topic',
});

export const deviceHealthSchema = z.strictObject({
  d: keySchema.meta({ description: 'Device key' }),
  connected: z.boolean(),
  lastSuccessTs: epochMsSchema.nullable().meta({ description: 'Last successful read; null if none yet' }),
  errorCount: count('errors'),
  backoffMs: count('milliseconds'),
  lastError: z.string().max(1000, 'must be at most 1000 characters').optional(),
  /**
   * Frames, payloads or rows the driver could not use (Sparkplug, IEC 104, CSV folders), counted since
   * the gateway started, with the last one's reason: the device answers, but some of what it says is bad.
   */
  malformed: z
    .strictObject({
      count: count('items'),
      lastError: z.string().max(1000, 'must be at most 1000 characters'),
      lastTs: epochMsSchema,
    })
    .optional(),
});
export type DeviceHealth = z.infer<typeof deviceHealthSchema>;

export const bufferHealthSchema = z.strictObject({
  bytes: count('bytes'),
  points: count('points'),
  droppedPoints: count('points'),
  /** What the disk buffer does once full; points dropped either way are counted in droppedPoints. */
  whenFull: z.enum(['drop-oldest', 'drop-newest'], { error: 'must be "drop-oldest" or "drop-newest"' }),
  /** The buffer's bound (its `maxBytes` setting), so `bytes` can be shown as a fill level. */
  maxBytes: count('bytes').optional(),
  /** When the buffer last dropped points for want of room; an alarm can stay raised while this is recent. */
  lastDroppedTs: epochMsSchema.optional(),
});
export type BufferHealth = z.infer<typeof bufferHealthSchema>;

const configRefusalSchema = z.strictObject({
  version: count('config versions').optional(),
  reason: z.string().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters'),
  ts: epochMsSchema,
});

const onlineStatusSchema = z.strictObject({
  v: versionField,
  gw: gatewayField,
  state: z.literal('online'),
  ts: epochMsSchema,
  version: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional(),
  configVersion: count('config versions').optional(),
  buffer: bufferHealthSchema.optional(),
  devices: z.array(deviceHealthSchema).max(1000, 'must list at most 1000 devices').optional(),
  /** The last pushed config the gateway refused, and why; it keeps running the previous one. */
  configError: configRefusalSchema.optional(),
  /**
   * The pushed config version the gateway runs (DESIGN.md: `appliedVersion`). Gateways before the
   * config push reported only `configVersion`; a reader takes `appliedVersion ?? configVersion`.
   */
  appliedVersion: count('config versions').optional(),
  /** The newest pushed version the gateway refused, and why (DESIGN.md: `rejected`); it keeps the last good one. */
  rejected: configRefusalSchema.optional(),
});

/**
 * The Last Will. Its payload is fixed when the gateway connects, so `ts` is the connect time, not
 * the moment the connection was lost; use the broker's receive time for that.
 */
const offlineStatusSchema = z.strictObject({
  v: versionField,
  gw: gatewayField,
  state: z.literal('offline'),
  ts: epochMsSchema,
});

export const gatewayStatusSchema = z
  .discriminatedUnion('state', [onlineStatusSchema, offlineStatusSchema], {
    error: (issue) => (issue.code === 'invalid_union' ? 'must be "online" or "offline"' : undefined),
  })
  .meta({ id: 'GatewayStatus' });
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;
