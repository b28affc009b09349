// Ingest's dead letters: telemetry messages that can never be stored, kept with the reason.
import { z } from 'zod';
import { idSchema, isoDateTimeSchema } from './ids.ts';

/**
 * Why a message could never succeed. Retrying any of these gives the same answer, so none is retried
 * (quota: not before the next day, by which time the points are kept here instead).
 */
export const deadLetterReasons = [
  'too_large',
  'bad_topic',
  'bad_json',
  'schema',
  'non_finite_value',
  'gateway_mismatch',
  'future_timestamp',
  'too_old',
  'unknown_gateway',
  'unknown_device',
  'unknown_tag',
  /** A command response whose correlation id is no command of this gateway. */
  'unknown_command',
  /** The tenant's plan allows no more points today (its pointsPerDay). */
  'quota',
] as const;
export const deadLetterReasonSchema = z.enum(deadLetterReasons);
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

/** How much of a refused payload is kept for diagnosis. */
export const DEAD_LETTER_PAYLOAD_CHARS = 8192;

export const deadLetterSchema = z
  .object({
    id: idSchema,
    siteId: idSchema.nullable(),
    gatewayId: idSchema.nullable(),
    topic: z.string(),
    reason: deadLetterReasonSchema,
    detail: z.string().meta({ description: 'What was wrong, in words a person can act on' }),
    payload: z
      .string()
      .meta({ description: `The payload as text, cut to ${DEAD_LETTER_PAYLOAD_CHARS} characters` }),
    payloadBytes: z.number().int(),
    receivedAt: isoDateTimeSchema,
  })
  .meta({ id: 'DeadLetter' });
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const deadLetterQuerySchema = z.strictObject({
  siteId: idSchema.optional(),
  gatewayId: idSchema.optional(),
  reason: deadLetterReasonSchema.optional(),
  from: isoDateTimeSchema.optional().meta({ description: 'Received at or after (inclusive)' }),
  to: isoDateTimeSchema.optional().meta({ description: 'Received before (exclusive)' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type DeadLetterQuery = z.infer<typeof deadLetterQuerySchema>;

export const deadLetterListSchema = z
  .object({
    total: z.number().int().meta({ description: 'How many dead letters match, beyond the page returned' }),
    byReason: z.partialRecord(deadLetterReasonSchema, z.number().int()),
    deadLetters: z.array(deadLetterSchema).meta({ description: 'Newest first, at most `limit`' }),
  })
  .meta({ id: 'DeadLetterList' });
export type DeadLetterList = z.infer<typeof deadLetterListSchema>;
