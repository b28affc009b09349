import { describe, expect, it } from 'vitest';
import { monthBounds, parseLimits, planLimitError, tenantPlanOf, UNLIMITED_PLAN } from './plans.ts';

describe('plans', () => {
  it('reads a stored plan whose limits miss some names as no limit for those', () => {
    expect(parseLimits({ tags: 50, gateways: 1 })).toEqual({
      ...UNLIMITED_PLAN.limits,
      tags: 50,
      gateways: 1,
    });
    expect(() => parseLimits({ tags: -1 })).toThrow();
  });

  it('applies a tenant override over the plan', () => {
    const starter = {
      id: 'starter',
      name: 'Starter',
      limits: { ...UNLIMITED_PLAN.limits, tags: 50, smsPerMonth: 50 },
    };
    expect(tenantPlanOf(starter, { smsPerMonth: 500 }, null).limits).toMatchObject({
      tags: 50,
      smsPerMonth: 500,
    });
  });

  it('names the limit, the plan and the count when one is hit', () => {
    const starter = { id: 'starter', name: 'Starter', limits: { ...UNLIMITED_PLAN.limits, tags: 50 } };
    const error = planLimitError(tenantPlanOf(starter, {}, null), 'tags', 50, 1);
    expect(error.message).toBe(
      'the Starter plan allows 50 tags and 50 are configured: remove one or move to a larger plan (limit: tags)',
    );
    expect(error.details).toEqual({ limit: 'tags', allowed: 50, used: 50, adding: 1, plan: 'starter' });
  });

  it('counts months in UTC, December into January', () => {
    expect(monthBounds('2026-12')).toMatchObject({ firstDay: '2026-12-01', lastDay: '2026-12-31' });
    expect(monthBounds('2026-12').end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthBounds('2028-02').lastDay).toBe('2028-02-29');
  });
});
