export { uuidV7Ids } from '../crypto/ids.ts';
export { createScryptPasswordHasher, OWASP_SCRYPT_COST, type ScryptCost } from '../crypto/passwords.ts';
export {
  certificateFingerprint,
  type LocalCertificateAuthority,
  localGatewayCertificateIssuer,
  openLocalCertificateAuthority,
} from './certificate-authority.ts';
export {
  createLocalEscalationStarter,
  type LocalEscalationStarter,
  type LocalEscalationStarterOptions,
} from './escalation-starter.ts';
export { createMemoryRateLimiter } from './rate-limiter.ts';
export { createDirectoryReportFiles, createMemoryReportFiles, loadReportLinkSecret } from './report-files.ts';
export { createLocalReportJobQueue, type LocalReportJobQueue } from './report-jobs.ts';
export {
  createMemoryReportMailer,
  createOutboxReportMailer,
  createSmtpReportMailer,
  DEFAULT_REPORT_SENDER,
} from './report-mailer.ts';
