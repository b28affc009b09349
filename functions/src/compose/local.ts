export { createMemoryRateLimiter } from '../accounts/adapters/local/rate-limiter.ts';
export {
  createScryptPasswordHasher,
  OWASP_SCRYPT_COST,
  type ScryptCost,
} from '../accounts/adapters/scrypt-passwords.ts';
export {
  createLocalEscalationStarter,
  type LocalEscalationStarter,
  type LocalEscalationStarterOptions,
} from '../escalation/adapters/local/escalation-starter.ts';
export {
  certificateFingerprint,
  type LocalCertificateAuthority,
  localGatewayCertificateIssuer,
  openLocalCertificateAuthority,
} from '../plant/adapters/local/certificate-authority.ts';
export { uuidV7Ids } from '../platform/ids.ts';
export {
  createDirectoryReportFiles,
  createMemoryReportFiles,
  loadReportLinkSecret,
} from '../reports/adapters/local/report-files.ts';
export {
  createLocalReportJobQueue,
  type LocalReportJobQueue,
} from '../reports/adapters/local/report-jobs.ts';
export {
  createMemoryReportMailer,
  createOutboxReportMailer,
  createSmtpReportMailer,
  DEFAULT_REPORT_SENDER,
} from '../reports/adapters/local/report-mailer.ts';
