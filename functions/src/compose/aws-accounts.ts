// The AWS composition of accounts, plans and inbound limits: throttles counted in the config database
// (shared by every function instance), account mail through SES (the reports' sender), TOTP secrets
// sealed with a key from Secrets Manager, the sign-up plan, the plan quota, the points meter and the
// messaging allowance around the notifier.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import type { AccountDeps } from '../accounts/accounts.ts';
import { createPostgresRateLimiter } from '../accounts/adapters/postgres/rate-limiter.ts';
import { buildLimits } from '../accounts/limits.ts';
import type { Notifier } from '../notify/ports.ts';
import { systemClock } from '../platform/clock.ts';
import type { ConfigDb } from '../platform/database/database.ts';
import type { InboundLimitDeps } from '../platform/http/inbound-limits.ts';
import type { SystemMailer } from '../platform/mailer.ts';
import { createAesGcmSecretBox, type SecretBox, unavailableSecretBox } from '../platform/secret-box.ts';
import { createSesReportMailer } from '../reports/adapters/aws/reports.ts';
import { withMessagingQuota } from '../usage/messaging-quota.ts';
import { createPlanQuota } from '../usage/plan-quota.ts';
import { createPointsMeter, type PointsMeter } from '../usage/points-meter.ts';
import type { PlanQuota } from '../usage/ports.ts';
import type { AwsAccountsEnv } from './aws-env.ts';
import type { ConfigStore } from './config-store.ts';
import { systemMailerOver } from './system-mailer.ts';

/** The key ring secret: {"current": "<id>", "keys": {"<id>": "<base64 of 32 bytes>"}} (docs/accounts.md). */
const keyRingSecretSchema = z.object({
  current: z.string().min(1),
  keys: z.record(z.string(), z.string().min(1)),
});

async function awsSecretBox(env: AwsAccountsEnv, client: SecretsManagerClient): Promise<SecretBox> {
  if (!env.ACCOUNT_SECRETS_KEY_ARN) {
    return unavailableSecretBox(
      'two-step login is not available: this function has no ACCOUNT_SECRETS_KEY_ARN (the key that seals TOTP secrets)',
    );
  }
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: env.ACCOUNT_SECRETS_KEY_ARN }),
  );
  const ring = keyRingSecretSchema.parse(JSON.parse(SecretString ?? '{}'));
  return createAesGcmSecretBox({
    current: ring.current,
    keys: Object.fromEntries(Object.entries(ring.keys).map(([id, key]) => [id, Buffer.from(key, 'base64')])),
  });
}

export interface AwsAccountParts
  extends Pick<AccountDeps, 'limits' | 'mailer' | 'links' | 'secrets' | 'signUpPlanId'>,
    InboundLimitDeps {
  planQuota: PlanQuota;
  telemetryRetentionDays: number;
}

export async function createAwsAccountParts(
  env: AwsAccountsEnv,
  db: ConfigDb,
  store: ConfigStore,
  telemetryRetentionDays: number,
): Promise<AwsAccountParts> {
  const { limits, inboundLimits } = buildLimits((name, setting) =>
    createPostgresRateLimiter(db, { name, points: setting.points, durationSeconds: setting.durationSeconds }),
  );
  return {
    limits,
    inboundLimits,
    mailer: awsSystemMailer(env),
    links: { webAppUrl: () => env.PUBLIC_WEB_URL ?? null },
    secrets: await awsSecretBox(env, new SecretsManagerClient({ region: env.AWS_REGION })),
    signUpPlanId: env.SIGNUP_PLAN === 'unlimited' ? null : env.SIGNUP_PLAN,
    planQuota: createPlanQuota(store),
    telemetryRetentionDays,
  };
}

export function awsSystemMailer(
  env: Pick<AwsAccountsEnv, 'AWS_REGION' | 'ACCOUNT_FROM_ADDRESS'>,
): SystemMailer {
  if (!env.ACCOUNT_FROM_ADDRESS) {
    return {
      send: async () => {
        throw new Error('ACCOUNT_FROM_ADDRESS is not set on this function: it cannot send account e-mail');
      },
    };
  }
  return systemMailerOver(
    createSesReportMailer(new SESv2Client({ region: env.AWS_REGION }), env.ACCOUNT_FROM_ADDRESS),
  );
}

/** The notifier with the plan's SMS and call allowances in front of it. */
export function withAwsMessagingQuota<N extends Notifier>(
  notifier: N,
  store: ConfigStore,
  env: Pick<AwsAccountsEnv, 'AWS_REGION' | 'ACCOUNT_FROM_ADDRESS'>,
): N {
  return withMessagingQuota(notifier, { store, clock: systemClock, mailer: awsSystemMailer(env) });
}

/** Ingest's points meter: counts in memory, flushed every 5 s into the usage records. */
export function createAwsPointsMeter(store: ConfigStore): PointsMeter {
  return createPointsMeter({ store, clock: systemClock });
}

/** The secret the web app forwards its browser's address with; undefined: the API trusts no proxy. */
export async function readWebProxySecret(env: AwsAccountsEnv): Promise<string | undefined> {
  if (!env.WEB_PROXY_SECRET_ARN) return undefined;
  const client = new SecretsManagerClient({ region: env.AWS_REGION });
  const { SecretString } = await client.send(
    new GetSecretValueCommand({ SecretId: env.WEB_PROXY_SECRET_ARN }),
  );
  return SecretString && SecretString.length >= 32 ? SecretString : undefined;
}
