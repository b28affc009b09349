import 'server-only';
// A creation the plan does not allow (402 plan_limit: tags, gateways, users, report definitions) as
// the form shows it: which limit, the plan, the counts, in the viewer's language, and for admins a
// link to the plan and usage page (others are told to ask an admin).
import { planLimitNames } from '@plantwatch/shared';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import type { FormState } from '../form-state.ts';
import { listPlans } from './account-data.ts';
import { ApiError } from './api.ts';
import { can } from './viewer.ts';

export const USAGE_PAGE = '/settings/plan';

const planLimitDetailsSchema = z.object({
  limit: z.enum(planLimitNames),
  allowed: z.number().int(),
  used: z.number().int(),
  plan: z.string().min(1),
});

/** Whether the API refused because of the plan. */
export const isPlanLimit = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.status === 402 && error.code === 'plan_limit';

/** The plan limit's message (the API's, when its details are not as expected). */
export async function planLimitMessage(error: ApiError): Promise<string> {
  const t = await getTranslations('planLimit');
  const details = planLimitDetailsSchema.safeParse(error.details);
  if (!details.success) return error.message;
  const { limit, allowed, used, plan: planId } = details.data;
  // The details name the plan by its id: its name is in the catalogue (the id when that cannot be read).
  const plans = await listPlans().catch(() => []);
  const plan = plans.find((candidate) => candidate.id === planId)?.name ?? planId;
  const kind =
    limit === 'tags' || limit === 'gateways' || limit === 'users' || limit === 'reportDefinitions'
      ? limit
      : 'other';
  return t('reached', { plan, allowed, used, what: t(`what.${kind}`, { n: allowed }) });
}

/** The form's state for a plan limit, or null for any other failure. */
export async function planLimitState(error: unknown, prefix?: string): Promise<FormState | null> {
  if (!isPlanLimit(error)) return null;
  const t = await getTranslations('planLimit');
  const message = [prefix, await planLimitMessage(error)].filter(Boolean).join(' ');
  const admin = await can('admin').catch(() => false);
  return admin
    ? { status: 'error', message, link: { href: USAGE_PAGE, label: t('seeUsage') } }
    : { status: 'error', message: `${message} ${t('askAdmin')}` };
}
