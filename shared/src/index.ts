export * from './auth.ts';
export * from './device.ts';
export * from './errors.ts';
export * from './gateway.ts';
export * from './ids.ts';
export * from './roles.ts';
export * from './site.ts';
export * from './tag.ts';
export * from './tenant.ts';
// --- telemetry, status, topics, alarms, escalation, contacts, reports below ---

export * from './alarm.ts';
export * from './alarm-rule.ts';
export * from './contact.ts';
export * from './contact-test.ts';
export * from './escalation.ts';
export * from './escalation-asl.ts';
export * from './ingest.ts';
export * from './layout.ts';
export * from './local-time.ts';
export * from './logo.ts';
export * from './notification.ts';
export * from './provisioning.ts';
export * from './report.ts';
export * from './status.ts';
export * from './telemetry.ts';
export * from './topics.ts';
export * from './units.ts';
