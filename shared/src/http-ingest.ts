// HTTP push (issue 18): small devices that can only make HTTPS requests post readings to
// POST /v1/ingest/http with a key of their own (created by an engineer, shown once, stored hashed,
// revocable). The readings become a telemetry message of the device's gateway and go through the same
// ingest as MQTT: the same checks, the same replay detection, the same dead letters.
import { z } from 'zod';
import { idSchema, isoDateTimeSchema, keySchema, nameSchema } from './ids.ts';
import { epochMsSchema, qualitySchema, telemetryValueSchema } from './telemetry.ts';

/** Device keys start with this; the tenant and the key's id follow, then the secret. */
export const DEVICE_KEY_PREFIX = 'pwh_';
/** Readings in one request at most: a small device sends a few at a time. */
export const MAX_HTTP_READINGS = 500;

export const httpReadingSchema = z.strictObject({
  /** The tag's key within the device (`temp`). */
  tag: keySchema,
  v: telemetryValueSchema,
  /** When it was measured, epoch ms; the time the API received it when left out. */
  ts: epochMsSchema.optional(),
  q: qualitySchema.default('good'),
});

export const httpIngestBodySchema = z
  .strictObject({
    /**
     * The request's number, for safe retries: the same seq with the same readings (and their ts) is
     * stored once, as a gateway's replayed batch is. 0 when left out.
     */
    seq: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(2 ** 53 - 1)
      .default(0),
    readings: z
      .array(httpReadingSchema)
      .min(1, 'must hold at least one reading')
      .max(
        MAX_HTTP_READINGS,
        `must hold at most ${MAX_HTTP_READINGS} readings; send them in several requests`,
      ),
  })
  .meta({ id: 'HttpIngestBody' });
export type HttpIngestBody = z.infer<typeof httpIngestBodySchema>;

export const httpIngestResultSchema = z
  .object({
    /**
     * stored: in the telemetry store now; replay: these readings were stored before (a retry);
     * queued: handed to the ingest queue (on AWS), stored within seconds or dead-lettered with the reason.
     */
    status: z.enum(['stored', 'replay', 'queued']),
    written: z.number().int().optional(),
    duplicates: z.number().int().optional(),
  })
  .meta({ id: 'HttpIngestResult' });
export type HttpIngestResult = z.infer<typeof httpIngestResultSchema>;

export const deviceKeySchema = z
  .object({
    id: idSchema,
    deviceId: idSchema,
    name: z.string(),
    /** The key's first characters, to tell keys apart; never the key. */
    prefix: z.string(),
    createdAt: isoDateTimeSchema,
    lastUsedAt: isoDateTimeSchema.nullable(),
    revokedAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'DeviceKey' });
export type DeviceKey = z.infer<typeof deviceKeySchema>;

export const createDeviceKeySchema = z
  .strictObject({ name: nameSchema.default('device key') })
  .meta({ id: 'CreateDeviceKey' });

export const createdDeviceKeySchema = deviceKeySchema
  .extend({
    /** The key itself: shown this once, stored only as a hash. */
    key: z.string(),
  })
  .meta({ id: 'CreatedDeviceKey' });
export type CreatedDeviceKey = z.infer<typeof createdDeviceKeySchema>;

export const deviceKeyListSchema = z.object({ keys: z.array(deviceKeySchema) }).meta({ id: 'DeviceKeyList' });
