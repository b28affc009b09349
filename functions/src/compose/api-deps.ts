import type { PasswordHasher } from '../accounts/ports.ts';
import type { RateLimiter } from '../accounts/rate-limits.ts';
import type { EscalationStarter } from '../alarms/escalation-starter.ts';
import type { NotifyDeps } from '../notify/notify.ts';
import type { GatewayCertificateIssuer } from '../plant/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { ConfigStore } from '../platform/database/config-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { ReportDeps } from '../reports/job.ts';
import type { TelemetryStore } from '../telemetry/ports.ts';

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
  /** Starts an alarm's escalation chain when it is raised and stops it when acknowledged; none: no paging. */
  escalation?: EscalationStarter;
  inviteTtlMs: number;
  /** Report files, mail, download-link signing and the run queue (issue #7). */
  reports: ReportDeps;
  /** Notification settings, secrets and the public URL inbound webhooks are signed against. */
  notify: NotifyDeps;
}
