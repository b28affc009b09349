'use server';
// The gateway setup wizard's one change (ADR 0019): create the gateway and hand its id back, so the
// wizard can go straight on to its bundle. The role is checked here and again by the API.
import 'server-only';
import { createGatewaySchema, gatewaySchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { isPlanLimit, planLimitMessage } from './plan-limit.ts';
import { RoleTooLowError, viewerWithRole } from './viewer.ts';

export type CreatedGateway =
  | { ok: true; gateway: { id: string; name: string; siteId: string } }
  | { ok: false; message: string; fieldErrors: Record<string, string> };

export async function createGatewayForSetup(input: {
  siteId: string;
  name: string;
  description: string;
}): Promise<CreatedGateway> {
  const t = await getTranslations();
  const parsed = createGatewaySchema.safeParse({
    siteId: input.siteId,
    name: input.name.trim(),
    description: input.description.trim() || undefined,
  });
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
    return { ok: false, message: t('errors.fixFields'), fieldErrors };
  }
  try {
    const viewer = await viewerWithRole('engineer');
    const gateway = gatewaySchema.parse(
      await callApi('POST', '/v1/gateways', { token: viewer.token, body: parsed.data }),
    );
    revalidatePath('/config/gateways');
    return { ok: true, gateway: { id: gateway.id, name: gateway.name, siteId: gateway.siteId } };
  } catch (error) {
    if (error instanceof RoleTooLowError) {
      return {
        ok: false,
        message: t('errors.denied', { role: t(`roles.${error.needed}`) }),
        fieldErrors: {},
      };
    }
    if (error instanceof ApiUnavailableError)
      return { ok: false, message: t('errors.apiDown'), fieldErrors: {} };
    if (isPlanLimit(error)) return { ok: false, message: await planLimitMessage(error), fieldErrors: {} };
    if (error instanceof ApiError && error.status < 500) {
      const fieldErrors = Object.fromEntries(
        error.issues.map((i) => [i.path.replace(/^body\./, ''), i.message]),
      );
      return { ok: false, message: error.message, fieldErrors };
    }
    console.error('web: creating a gateway failed', error);
    return { ok: false, message: t('errors.generic'), fieldErrors: {} };
  }
}
