// Plans and usage (issue 15): what a tenant's plan allows, and what the tenant used, day by day, for the
// usage page and for whatever bills the tenant (GET /v1/usage?month=).
import { z } from 'zod';
import { isoDateTimeSchema } from './ids.ts';

/** Every limit a plan can set; null in a plan means no limit. */
export const planLimitNames = [
  'tags',
  'gateways',
  'users',
  'reportDefinitions',
  'smsPerMonth',
  'voiceCallsPerMonth',
  'pointsPerDay',
] as const;
export type PlanLimitName = (typeof planLimitNames)[number];

const limit = z.number().int().min(0).nullable();

export const planLimitsSchema = z
  .object({
    tags: limit.meta({ description: 'Tags configured at once' }),
    gateways: limit.meta({ description: 'Gateways configured at once' }),
    users: limit.meta({ description: 'Users (active, invited or pending) at once' }),
    reportDefinitions: limit.meta({ description: 'Scheduled report definitions at once' }),
    smsPerMonth: limit.meta({
      description:
        'SMS and WhatsApp messages sent per calendar month (UTC); over it, pages go by e-mail and admins are told',
    }),
    voiceCallsPerMonth: limit.meta({
      description: 'Voice calls per calendar month (UTC); over it, pages go by e-mail and admins are told',
    }),
    pointsPerDay: limit.meta({
      description:
        'Telemetry points stored per day (UTC); over it, messages are dead-lettered with reason quota',
    }),
  })
  .meta({ id: 'PlanLimits' });
export type PlanLimits = z.infer<typeof planLimitsSchema>;

export const planSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    limits: planLimitsSchema,
  })
  .meta({ id: 'Plan' });
export type Plan = z.infer<typeof planSchema>;

/** The tenant's plan, the per-tenant overrides (an add-on module, a deal) and the limits in force. */
export const tenantPlanSchema = z
  .object({
    plan: planSchema,
    overrides: planLimitsSchema.partial(),
    limits: planLimitsSchema.meta({ description: 'What is enforced: the plan with the overrides applied' }),
    since: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'TenantPlan' });
export type TenantPlan = z.infer<typeof tenantPlanSchema>;

/** One day's usage record of a tenant (UTC day). */
export const usageDaySchema = z
  .object({
    day: z.iso.date(),
    points: z.number().int().meta({ description: 'Telemetry points stored that day' }),
    pointsRefused: z
      .number()
      .int()
      .meta({ description: 'Telemetry points dead-lettered that day because the plan allowed no more' }),
    sms: z.number().int().meta({ description: 'SMS and WhatsApp messages sent that day' }),
    voiceCalls: z.number().int(),
    tags: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Tags at the last count that day; null: not counted' }),
    gateways: z.number().int().nullable(),
    users: z.number().int().nullable(),
    reportDefinitions: z.number().int().nullable(),
    storageBytes: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Estimated telemetry storage at the last count that day' }),
  })
  .meta({ id: 'UsageDay' });
export type UsageDay = z.infer<typeof usageDaySchema>;

export const usageQuerySchema = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-03')
    .optional()
    .meta({ description: 'UTC calendar month; the current one when absent' }),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageSchema = z
  .object({
    month: z.string(),
    plan: tenantPlanSchema,
    /** Now: what the plan's limits are measured against. */
    current: z.object({
      tags: z.number().int(),
      gateways: z.number().int(),
      users: z.number().int(),
      reportDefinitions: z.number().int(),
      pointsToday: z.number().int(),
      smsThisMonth: z.number().int(),
      voiceCallsThisMonth: z.number().int(),
      storageBytes: z.number().int(),
    }),
    totals: z.object({
      points: z.number().int(),
      pointsRefused: z.number().int(),
      sms: z.number().int(),
      voiceCalls: z.number().int(),
    }),
    days: z.array(usageDaySchema).meta({ description: 'One record per day of the month that has one' }),
  })
  .meta({ id: 'Usage' });
export type Usage = z.infer<typeof usageSchema>;

export const planListSchema = z.object({ plans: z.array(planSchema) }).meta({ id: 'PlanList' });
