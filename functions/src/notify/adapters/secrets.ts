// Where tenants' provider secrets live. Locally: the tenant's notification_settings row, sealed with the
// runtime's key (platform/secret-box.ts; never in the database in plain text). On AWS: one Secrets
// Manager secret per tenant.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import type { TenantStore } from '../../platform/database/tenant-store.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { NotificationSecrets, NotificationSecretValues } from '../ports.ts';
import type { NotifyRepositories } from '../repositories.ts';

const secretValuesSchema = z.object({
  twilioAuthToken: z.string().min(1).optional(),
  webhookSigningSecret: z.string().min(1).optional(),
  telegramBotToken: z.string().min(1).optional(),
  telegramWebhookSecret: z.string().min(1).optional(),
});

const clean = (values: NotificationSecretValues): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string' && v !== '')) as Record<
    string,
    string
  >;

/** The context a tenant's sealed provider secrets are bound to (the key rotation re-seals with it). */
export const notifySecretsContext = (tenantId: string) => `tenant:${tenantId}:notify-secrets`;

const sealedSchema = z.object({ sealed: z.string() });

export function databaseNotificationSecrets(
  store: TenantStore<Pick<NotifyRepositories, 'notificationSettings'>>,
  defaultSmsProvider: 'sns' | 'twilio',
  clock: { now(): Date } = { now: () => new Date() },
  /** Seals the secrets in the row; without it they are kept as they are (tests of other parts). */
  box?: SecretBox,
): NotificationSecrets {
  const unseal = (tenantId: string, stored: unknown): unknown => {
    const sealed = sealedSchema.safeParse(stored);
    if (!sealed.success) return stored; // written before sealing: plain, re-sealed by the next put or rotation
    if (!box) throw new Error('provider secrets are sealed but this runtime has no key to open them');
    return JSON.parse(box.open(sealed.data.sealed, notifySecretsContext(tenantId)));
  };
  const seal = (tenantId: string, values: Record<string, string>) =>
    box ? { sealed: box.seal(JSON.stringify(values), notifySecretsContext(tenantId)) } : values;
  return {
    get: (tenantId) =>
      store.inTenant(tenantId, async (repos) => {
        const settings = await repos.notificationSettings.get();
        const parsed = secretValuesSchema.safeParse(unseal(tenantId, settings?.secrets ?? {}));
        return parsed.success ? parsed.data : {};
      }),
    put: (tenantId, values) =>
      store.inTenant(tenantId, async (repos) => {
        const settings = await repos.notificationSettings.get();
        await repos.notificationSettings.put(
          {
            smsProvider: settings?.smsProvider ?? defaultSmsProvider,
            twilioAccountSid: settings?.twilioAccountSid ?? null,
            twilioFromNumber: settings?.twilioFromNumber ?? null,
            twilioWhatsAppFromNumber: settings?.twilioWhatsAppFromNumber ?? null,
            floodWindowSeconds: settings?.floodWindowSeconds ?? 30,
            telegramBotUsername: settings?.telegramBotUsername ?? null,
            telegramWebhookError: settings?.telegramWebhookError ?? null,
            secrets: seal(tenantId, clean(values)),
          },
          clock.now(),
        );
      }),
  };
}

export interface SecretsManagerNotificationSecretsOptions {
  /** Secret names are `<prefix>/<tenantId>/notifications`; IAM scopes the functions to the prefix. */
  prefix: string;
  /** KMS key for new secrets; the account's default key when absent. */
  kmsKeyId?: string;
  /** Secrets read within this time are served from memory (warm Lambdas, one call per alarm burst). */
  cacheMs?: number;
  now?: () => number;
}

export function secretsManagerNotificationSecrets(
  client: SecretsManagerClient,
  options: SecretsManagerNotificationSecretsOptions,
): NotificationSecrets {
  const cache = new Map<string, { values: NotificationSecretValues; at: number }>();
  const cacheMs = options.cacheMs ?? 60_000;
  const now = options.now ?? Date.now;
  const name = (tenantId: string) => `${options.prefix}/${tenantId}/notifications`;
  return {
    async get(tenantId) {
      const hit = cache.get(tenantId);
      if (hit && now() - hit.at < cacheMs) return hit.values;
      let values: NotificationSecretValues = {};
      try {
        const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name(tenantId) }));
        const parsed = secretValuesSchema.safeParse(JSON.parse(SecretString ?? '{}'));
        values = parsed.success ? parsed.data : {};
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      cache.set(tenantId, { values, at: now() });
      return values;
    },
    async put(tenantId, values) {
      const SecretString = JSON.stringify(clean(values));
      try {
        await client.send(new PutSecretValueCommand({ SecretId: name(tenantId), SecretString }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        await client.send(
          new CreateSecretCommand({
            Name: name(tenantId),
            SecretString,
            Description: 'Plantwatch notification provider secrets of one tenant',
            ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
            Tags: [{ Key: 'plantwatch:tenant', Value: tenantId }],
          }),
        );
      }
      cache.set(tenantId, { values: secretValuesSchema.parse(JSON.parse(SecretString)), at: now() });
    },
  };
}
