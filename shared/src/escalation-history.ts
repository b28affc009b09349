// What happened to an alarm's pages (the chain history): GET /v1/alarms/{ruleId}/escalations.
import { z } from 'zod';
import { contactChannelTypeSchema } from './contact.ts';
import { idSchema, isoDateTimeSchema } from './ids.ts';

export const escalationIntentStateSchema = z.enum(['pending', 'started', 'failed']);

/** The escalation's outbox entry: delivered to the escalation starter, waiting to be, or given up on. */
const intentSchema = z.object({
  state: escalationIntentStateSchema,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  recordedAt: isoDateTimeSchema,
  deliveredAt: isoDateTimeSchema.nullable(),
});

export const escalationPageSchema = z
  .object({
    at: isoDateTimeSchema,
    contactId: idSchema.nullable(),
    channel: contactChannelTypeSchema,
    recipient: z.string(),
    /** As the message log says: queued, sent, delivered, failed… */
    status: z.string(),
    error: z.string().nullable(),
    /** 1-based level of the policy, and the repeat round (0: first pass); null when not known. */
    level: z.number().int().nullable(),
    round: z.number().int().nullable(),
  })
  .meta({ id: 'EscalationPage' });

export const escalationChainSchema = z
  .object({
    alarmId: idSchema,
    /** The event that raised the alarm and asked for the chain. */
    alarmEventId: idSchema,
    policyId: idSchema.nullable(),
    start: intentSchema,
    /** The chain as the escalation runner keeps it, once started. */
    run: z
      .object({
        executionName: z.string(),
        status: z.enum(['running', 'stopped', 'finished', 'failed']),
        round: z.number().int(),
        /** The last level notified, 1-based; null before the first. */
        level: z.number().int().nullable(),
        startedAt: isoDateTimeSchema,
        endedAt: isoDateTimeSchema.nullable(),
        /** Why it stopped or failed, or what could not be delivered at a level. */
        reason: z.string().nullable(),
      })
      .nullable(),
    /** The stop asked for by an acknowledgement (or a shelving, a removal from service), if any. */
    stop: intentSchema.extend({ reason: z.string().nullable() }).nullable(),
    pages: z.array(escalationPageSchema),
  })
  .meta({ id: 'EscalationChain' });
export type EscalationChain = z.infer<typeof escalationChainSchema>;
