// The numbers behind the account and inbound throttles, in one place for both runtimes: each limiter
// is a fixed window of `points` attempts per `durationSeconds` (rate-limiter-flexible's semantics,
// kept by the PostgreSQL limiter too), named so that counters never mix.
import type { InboundLimitDeps } from '../platform/http/inbound-limits.ts';
import type { AccountLimits } from './accounts.ts';
import type { RateLimiter } from './ports.ts';

export interface LimitSetting {
  points: number;
  durationSeconds: number;
}

export const DEFAULT_LIMITS = {
  /** Every login attempt from one client address (ADR 0005). */
  login_ip: { points: 50, durationSeconds: 300 },
  /** Failures of one address against one account: 5 a minute, 10 in 15 minutes, 20 an hour. */
  login_ip_account_1m: { points: 5, durationSeconds: 60 },
  login_ip_account_15m: { points: 10, durationSeconds: 900 },
  login_ip_account_1h: { points: 20, durationSeconds: 3600 },
  /** Failures against one account from devices it never logged in from (ADR 0005's per-account limit). */
  login_account: { points: 10, durationSeconds: 900 },
  /** Failures from one device the account logged in from before. */
  login_device: { points: 10, durationSeconds: 900 },
  mfa_user: { points: 10, durationSeconds: 900 },
  /** Sign-ups, reset and verification requests from one client address, and e-mails to one address. */
  account_requests_ip: { points: 20, durationSeconds: 3600 },
  account_mails_address: { points: 5, durationSeconds: 3600 },
  /** Inbound webhooks and acknowledgement links. */
  inbound_ip: { points: 300, durationSeconds: 60 },
  inbound_tenant: { points: 600, durationSeconds: 60 },
  inbound_refused_ip: { points: 20, durationSeconds: 600 },
  /** Requests of one HTTP push device: one every 2 s on average, bursts of a few allowed. */
  http_ingest_device: { points: 30, durationSeconds: 60 },
} satisfies Record<string, LimitSetting>;

export type LimitName = keyof typeof DEFAULT_LIMITS;
export type LimitSettings = Record<LimitName, LimitSetting>;

/** Builds every limiter with `make` (in memory locally, PostgreSQL on AWS). */
export function buildLimits(
  make: (name: LimitName, setting: LimitSetting) => RateLimiter,
  overrides: Partial<LimitSettings> = {},
): { limits: AccountLimits; inboundLimits: InboundLimitDeps['inboundLimits'] } {
  const settings: LimitSettings = { ...DEFAULT_LIMITS, ...overrides };
  const limiter = (name: LimitName) => make(name, settings[name]);
  return {
    limits: {
      loginAttemptsPerIp: limiter('login_ip'),
      loginFailuresPerIpAndAccount: [
        limiter('login_ip_account_1m'),
        limiter('login_ip_account_15m'),
        limiter('login_ip_account_1h'),
      ],
      loginFailuresPerAccount: limiter('login_account'),
      loginFailuresPerDevice: limiter('login_device'),
      mfaFailuresPerUser: limiter('mfa_user'),
      accountRequestsPerIp: limiter('account_requests_ip'),
      accountMailsPerAddress: limiter('account_mails_address'),
    },
    inboundLimits: {
      perIp: limiter('inbound_ip'),
      perTenant: limiter('inbound_tenant'),
      refusedPerIp: limiter('inbound_refused_ip'),
      httpIngestPerDevice: limiter('http_ingest_device'),
    },
  };
}
