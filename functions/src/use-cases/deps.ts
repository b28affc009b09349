import type {
  Clock,
  ConfigStore,
  GatewayCertificateIssuer,
  IdGenerator,
  PasswordHasher,
  RateLimiter,
  TelemetryStore,
} from '@plantwatch/shared';

/** The ports the API use-cases run on; composition roots (AWS, local) fill them in. */
export interface ApiDeps {
  store: ConfigStore;
  telemetry: TelemetryStore;
  gatewayCertificates: GatewayCertificateIssuer;
  passwords: PasswordHasher;
  clock: Clock;
  ids: IdGenerator;
  /** Every login attempt from one client address. */
  loginAttemptsPerIp: RateLimiter;
  /** Failed login attempts against one account. */
  loginFailuresPerAccount: RateLimiter;
  sessionTtlMs: number;
  inviteTtlMs: number;
}
