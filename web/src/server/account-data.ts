import 'server-only';
// What the account pages read (issue 15): the viewer's two-step login and sessions, the tenant's
// security policy, a user's login protection, the plan and its usage. Each checks the role, then asks
// the API with the viewer's token (the API checks again).
import {
  type LoginProtection,
  loginProtectionSchema,
  type MfaStatus,
  mfaStatusSchema,
  type Plan,
  planListSchema,
  type SecurityPolicy,
  type SessionInfo,
  securityPolicySchema,
  sessionInfoSchema,
  type Usage,
  usageSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { query, read } from './data.ts';

export const getMfaStatus = (): Promise<MfaStatus> => read('/v1/me/mfa', mfaStatusSchema);

export const listMySessions = async (): Promise<SessionInfo[]> =>
  (await read('/v1/me/sessions', z.object({ sessions: z.array(sessionInfoSchema) }))).sessions;

export const getSecurityPolicy = (): Promise<SecurityPolicy> =>
  read('/v1/tenant/security', securityPolicySchema, 'admin');

export const getLoginProtection = (userId: string): Promise<LoginProtection> =>
  read(`/v1/users/${encodeURIComponent(userId)}/login-protection`, loginProtectionSchema, 'admin');

export const getUsage = (month?: string): Promise<Usage> =>
  read(`/v1/usage${query({ month })}`, usageSchema, 'admin');

export const listPlans = async (): Promise<Plan[]> => (await read('/v1/plans', planListSchema)).plans;
