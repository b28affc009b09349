// Escalation policies: who is notified, how and after how long, until someone acknowledges the alarm.
import { z } from 'zod';
import { contactChannelTypeSchema } from './contact.ts';
import { EMPTY_PATCH_MESSAGE, hasAnyField, idSchema, isoDateTimeSchema, nameSchema } from './ids.ts';

export const escalationTargetSchema = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ type: z.literal('contact'), contactId: idSchema }),
      z.strictObject({ type: z.literal('rotation'), rotationId: idSchema }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? 'must be "contact" or "rotation"' : undefined) },
  )
  .meta({ id: 'EscalationTarget' });
export type EscalationTarget = z.infer<typeof escalationTargetSchema>;

const escalationLevelSchema = z.strictObject({
  /** Minutes after the previous level was notified (for the first level: after the alarm was raised). */
  delayMinutes: z
    .number({ error: 'must be a whole number of minutes, 0-1440' })
    .int('must be a whole number of minutes, 0-1440')
    .min(0, 'must be 0-1440 minutes')
    .max(1440, 'must be 0-1440 minutes (at most a day)'),
  targets: z
    .array(escalationTargetSchema)
    .min(1, 'must name at least one contact or rotation')
    .max(20, 'must name at most 20 contacts or rotations'),
  /** Leave out to use every channel of each contact, in the contact's order. */
  channels: z
    .array(contactChannelTypeSchema)
    .min(1, 'must list at least one channel; leave channels out to use all of them')
    .refine((channels) => new Set(channels).size === channels.length, 'must list each channel once')
    .optional(),
});
export type EscalationLevel = z.infer<typeof escalationLevelSchema>;

export const repeatBackoffSchema = z
  .strictObject({
    factor: z
      .number({ error: 'must be a number from 1.5 to 10' })
      .min(1.5, 'must be at least 1.5 (2 doubles each repeat)')
      .max(10, 'must be at most 10'),
    maxDelayMinutes: z
      .number({ error: 'must be a whole number of minutes, 1-1440' })
      .int('must be a whole number of minutes, 1-1440')
      .min(1, 'must be 1-1440 minutes')
      .max(1440, 'must be 1-1440 minutes (at most a day)'),
  })
  .meta({ id: 'RepeatBackoff' });
export type RepeatBackoff = z.infer<typeof repeatBackoffSchema>;

const policyFields = {
  name: nameSchema,
  /** How many more times the whole chain runs after its last level while nobody acknowledges. */
  repeat: z
    .number({ error: 'must be a whole number, 0-10' })
    .int('must be a whole number, 0-10')
    .min(0, 'must be 0-10')
    .max(10, 'must be 0-10'),
  levels: z
    .array(escalationLevelSchema)
    .min(1, 'must have at least one level')
    .max(10, 'must have at most 10 levels'),
  /**
   * Repeats further and further apart: in repeat round r (1, 2, …) every wait of the chain is
   * multiplied by factor^r, and none grows past maxDelayMinutes. Null: every round waits the same.
   */
  repeatBackoff: repeatBackoffSchema.nullable(),
};

export const escalationPolicySchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    name: z.string(),
    repeat: z.number().int(),
    repeatBackoff: repeatBackoffSchema.nullable(),
    levels: z.array(escalationLevelSchema),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'EscalationPolicy' });
export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;

export const createEscalationPolicySchema = z
  .strictObject({
    ...policyFields,
    repeat: policyFields.repeat.default(0),
    repeatBackoff: policyFields.repeatBackoff.default(null),
  })
  .meta({ id: 'CreateEscalationPolicy' });
export type CreateEscalationPolicy = z.infer<typeof createEscalationPolicySchema>;

/** `levels` is replaced whole: a level's place in the list is its meaning. */
export const updateEscalationPolicySchema = z
  .strictObject({
    name: policyFields.name.optional(),
    repeat: policyFields.repeat.optional(),
    repeatBackoff: policyFields.repeatBackoff.optional(),
    levels: policyFields.levels.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateEscalationPolicy' });
export type UpdateEscalationPolicy = z.infer<typeof updateEscalationPolicySchema>;
