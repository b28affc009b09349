// People and paging by area (ADR 0042): the escalation policy attached to an asset subtree.
import { z } from 'zod';
import { idSchema } from './ids.ts';

export const setAreaEscalationPolicySchema = z
  .strictObject({
    escalationPolicyId: idSchema.nullable().meta({
      description: 'The policy alarms under this asset page through (nearest area wins); null detaches it',
    }),
  })
  .meta({ id: 'SetAreaEscalationPolicy' });
export type SetAreaEscalationPolicy = z.infer<typeof setAreaEscalationPolicySchema>;

export const areaEscalationPolicySchema = z
  .object({
    assetId: idSchema,
    escalationPolicyId: idSchema.nullable().meta({ description: 'The policy attached to this asset itself' }),
    effective: z.object({ escalationPolicyId: idSchema, fromAssetId: idSchema }).nullable().meta({
      description:
        'What pages for alarms here: the policy of this asset or the nearest above it; null: each rule’s own policy',
    }),
  })
  .meta({ id: 'AreaEscalationPolicy' });
export type AreaEscalationPolicy = z.infer<typeof areaEscalationPolicySchema>;
