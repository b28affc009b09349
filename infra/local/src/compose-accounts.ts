// The local runtime's composition of accounts, plans and inbound limits: throttles in memory (one
// process), account mail over SMTP_URL or into DATA_DIR/outbox/accounts, the key ring that seals
// secrets, the plan of sign-ups (SIGNUP_PLAN), the plan quota, the points meter, the messaging allowance.
import { resolve } from 'node:path';
import type { AccountDeps } from '@plantwatch/functions/accounts/accounts';
import { createMemoryRateLimiter } from '@plantwatch/functions/accounts/adapters/local/rate-limiter';
import { buildLimits, type LimitSettings } from '@plantwatch/functions/accounts/limits';
import type { ConfigStore } from '@plantwatch/functions/compose/config-store';
import { systemMailerOver } from '@plantwatch/functions/compose/system-mailer';
import type { Notifier } from '@plantwatch/functions/notify/ports';
import { systemClock } from '@plantwatch/functions/platform/clock';
import type { InboundLimitDeps } from '@plantwatch/functions/platform/http/inbound-limits';
import type { SystemMailer } from '@plantwatch/functions/platform/mailer';
import { logger } from '@plantwatch/functions/platform/observability';
import {
  createAesGcmSecretBox,
  type KeyRing,
  type SecretBox,
} from '@plantwatch/functions/platform/secret-box';
import {
  createOutboxReportMailer,
  createSmtpReportMailer,
} from '@plantwatch/functions/reports/adapters/local/report-mailer';
import type { ReportMailer } from '@plantwatch/functions/reports/ports';
import { withMessagingQuota } from '@plantwatch/functions/usage/messaging-quota';
import { createPlanQuota } from '@plantwatch/functions/usage/plan-quota';
import { createPointsMeter, type PointsMeter } from '@plantwatch/functions/usage/points-meter';
import type { PlanQuota } from '@plantwatch/functions/usage/ports';
import type { LocalEnv } from './env.ts';
import { ephemeralKeyRing, loadKeyRing } from './secrets-keys.ts';

export interface LocalAccountOptions {
  /** Throttle overrides (tests that sign up many tenants from 127.0.0.1). */
  limits?: Partial<LimitSettings>;
  /** Replaces SMTP/outbox for account e-mail (tests read the links from a memory mailer). */
  mailer?: ReportMailer;
  /** The key ring (tests); otherwise SECRETS_KEY or DATA_DIR/secrets-keys.json. */
  keyRing?: KeyRing;
  /** Overrides SIGNUP_PLAN: the plan a new tenant starts on; null: unlimited. */
  signUpPlanId?: string | null;
}

export const ACCOUNT_MAIL_FROM = 'Plantwatch <accounts@plantwatch.local>';

/**
 * The key ring: in memory when the stores are (tests), otherwise SECRETS_KEY or the file in DATA_DIR,
 * so that what is sealed opens again after a restart.
 */
export async function openLocalSecretBox(
  env: LocalEnv,
  options: { keyRing?: KeyRing; storesInMemory: boolean },
): Promise<SecretBox> {
  const ring =
    options.keyRing ??
    (options.storesInMemory && !env.SECRETS_KEY
      ? ephemeralKeyRing()
      : await loadKeyRing(resolve(env.DATA_DIR), env.SECRETS_KEY));
  return createAesGcmSecretBox(ring);
}

/**
 * Account e-mail: SMTP_URL when set, else the outbox (an .eml file under DATA_DIR/outbox/accounts,
 * whose place, never its link, goes to the log so the operator can open it).
 */
export function localAccountMailer(
  env: LocalEnv,
  options: LocalAccountOptions,
): { mailer: SystemMailer; close(): void } {
  if (options.mailer) return { mailer: systemMailerOver(options.mailer), close: () => {} };
  if (env.SMTP_URL) {
    const smtp = createSmtpReportMailer(env.SMTP_URL, env.SMTP_FROM);
    return { mailer: systemMailerOver(smtp), close: () => smtp.close() };
  }
  const outbox = systemMailerOver(createOutboxReportMailer(env.DATA_DIR, ACCOUNT_MAIL_FROM, 'accounts'));
  return {
    mailer: {
      async send(mail) {
        const sent = await outbox.send(mail);
        logger.info('account e-mail kept in the outbox (no SMTP_URL): open the file to follow its link', {
          to: mail.to,
          subject: mail.subject,
          file: sent.file,
        });
        return { messageId: sent.messageId };
      },
    },
    close: () => {},
  };
}

export interface LocalAccountParts
  extends Pick<AccountDeps, 'limits' | 'mailer' | 'links' | 'secrets' | 'signUpPlanId'>,
    InboundLimitDeps {
  planQuota: PlanQuota;
  telemetryRetentionDays: number;
}

export function composeLocalAccountParts(input: {
  env: LocalEnv;
  options: LocalAccountOptions;
  store: ConfigStore;
  secrets: SecretBox;
  mailer: SystemMailer;
  /** Old-style test overrides of the two login limits (kept for the suites that set them). */
  loginLimits?: { attemptsPerIpPer5Min: number; failuresPerAccountPer15Min: number } | undefined;
  telemetryMaxPointAgeMs: number;
}): LocalAccountParts {
  const { env, options } = input;
  const { limits, inboundLimits } = buildLimits((_name, setting) => createMemoryRateLimiter(setting), {
    ...(input.loginLimits
      ? {
          login_ip: { points: input.loginLimits.attemptsPerIpPer5Min, durationSeconds: 300 },
          login_account: { points: input.loginLimits.failuresPerAccountPer15Min, durationSeconds: 900 },
        }
      : {}),
    ...options.limits,
  });
  const webUrl =
    env.PUBLIC_WEB_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.WEB_PORT}`;
  return {
    limits,
    inboundLimits,
    mailer: input.mailer,
    links: { webAppUrl: () => webUrl },
    secrets: input.secrets,
    signUpPlanId:
      options.signUpPlanId !== undefined
        ? options.signUpPlanId
        : env.SIGNUP_PLAN === 'unlimited'
          ? null
          : env.SIGNUP_PLAN,
    planQuota: createPlanQuota(input.store),
    telemetryRetentionDays: Math.round(input.telemetryMaxPointAgeMs / 86_400_000),
  };
}

export function localPointsMeter(store: ConfigStore): PointsMeter {
  return createPointsMeter({ store, clock: systemClock });
}

export function withLocalMessagingQuota<N extends Notifier>(
  notifier: N,
  store: ConfigStore,
  mailer: SystemMailer,
): N {
  return withMessagingQuota(notifier, { store, clock: systemClock, mailer });
}
