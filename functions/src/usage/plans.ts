// What a plan allows: the limits in force (the plan's, with the tenant's overrides), the message that
// names a limit when it is hit, and the calendar (UTC days and months) usage is counted in.
import {
  type Plan,
  PlanLimitError,
  type PlanLimitName,
  type PlanLimits,
  planLimitsSchema,
  type TenantPlan,
} from '@plantwatch/shared';

/** The plan of a tenant that has none recorded (tenants from before plans) and of self-hosted runtimes. */
export const UNLIMITED_PLAN: Plan = {
  id: 'unlimited',
  name: 'Unlimited',
  limits: {
    tags: null,
    gateways: null,
    users: null,
    reportDefinitions: null,
    smsPerMonth: null,
    voiceCallsPerMonth: null,
    pointsPerDay: null,
  },
};

/** A plan's limits as stored (jsonb): a limit missing from the row means no limit. */
export function parseLimits(stored: Record<string, unknown>): PlanLimits {
  const withDefaults = Object.fromEntries(
    Object.keys(UNLIMITED_PLAN.limits).map((name) => [name, stored[name] ?? null]),
  );
  return planLimitsSchema.parse(withDefaults);
}

export function parseOverrides(stored: Record<string, unknown>): TenantPlan['overrides'] {
  return planLimitsSchema
    .partial()
    .parse(Object.fromEntries(Object.entries(stored).filter(([name]) => name in UNLIMITED_PLAN.limits)));
}

export function tenantPlanOf(plan: Plan, overrides: TenantPlan['overrides'], since: Date | null): TenantPlan {
  return { plan, overrides, limits: { ...plan.limits, ...overrides }, since: since?.toISOString() ?? null };
}

const nouns: Record<PlanLimitName, [one: string, many: string]> = {
  tags: ['tag', 'tags'],
  gateways: ['gateway', 'gateways'],
  users: ['user', 'users'],
  reportDefinitions: ['report definition', 'report definitions'],
  smsPerMonth: ['SMS this month', 'SMS a month'],
  voiceCallsPerMonth: ['voice call this month', 'voice calls a month'],
  pointsPerDay: ['point today', 'points a day'],
};

/** "the Starter plan allows 50 tags and 50 are configured: remove one or move to a larger plan" (402). */
export function planLimitError(
  tenantPlan: TenantPlan,
  limit: Exclude<PlanLimitName, 'smsPerMonth' | 'voiceCallsPerMonth' | 'pointsPerDay'>,
  used: number,
  adding: number,
): PlanLimitError {
  const allowed = tenantPlan.limits[limit] ?? 0;
  const [one, many] = nouns[limit];
  const plan = tenantPlan.plan.name;
  return new PlanLimitError(
    `the ${plan} plan allows ${allowed} ${allowed === 1 ? one : many} and ${used} ${used === 1 ? 'is' : 'are'} configured: ` +
      `remove ${adding === 1 ? 'one' : 'some'} or move to a larger plan (limit: ${limit})`,
    { details: { limit, allowed, used, adding, plan: tenantPlan.plan.id } },
  );
}

/** The UTC day of an instant, YYYY-MM-DD. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** The UTC calendar month of an instant, YYYY-MM. */
export const utcMonth = (at: Date) => at.toISOString().slice(0, 7);

/** The first and last day of a UTC month (YYYY-MM), and its bounds as instants. */
export function monthBounds(month: string): { firstDay: string; lastDay: string; start: Date; end: Date } {
  const start = new Date(`${month}-01T00:00:00Z`);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return { firstDay: utcDay(start), lastDay: utcDay(new Date(end.getTime() - 86_400_000)), start, end };
}

/** A rough telemetry storage figure for the usage page: bytes per stored point, index included. */
export const ESTIMATED_BYTES_PER_POINT = 32;
