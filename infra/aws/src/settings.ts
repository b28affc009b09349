// The deployment's settings, read from CDK context (`-c key=value` or cdk.json), checked once.
import type { Node } from 'constructs';
import type { TelemetryStoreKind } from './data.ts';

export interface DeploymentSettings extends ServiceSettings {
  readonly telemetryStore: TelemetryStoreKind;
  readonly memoryRetentionHours: number;
  readonly magneticRetentionDays: number;
  readonly auroraMinAcu: number;
  readonly auroraMaxAcu: number;
  readonly reportRetentionDays: number;
  /** The verified SES identity alarm e-mails are sent from (`-c alarmEmailFrom=alarms@your-domain`). */
  readonly alarmEmailFrom: string;
}

export class InvalidContextError extends Error {}

/** Web, notify and rollup settings (ADR 0018). */
export interface ServiceSettings {
  /** The built web bundle (infra/aws/bin/build-web.ts), relative to the repository root; unset: the stand-in. */
  readonly webBundle?: string;
  readonly webDomainName?: string;
  /** ACM certificate for webDomainName, in us-east-1. */
  readonly webCertificateArn?: string;
  /** An SES domain identity to create (DKIM records are stack outputs). */
  readonly sesDomain?: string;
  readonly smsMonthlySpendLimitUsd: number;
  /** How often the Timestream rollup queries run (each covers that interval plus a 15-minute lateness margin; a daily catch-up covers the memory retention). */
  readonly rollupEveryMinutes: number;
}

function optionalText(node: Node, key: string, pattern: RegExp, what: string): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !pattern.test(raw)) {
    throw new InvalidContextError(`context ${key}=${String(raw)} must be ${what}`);
  }
  return raw;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function readServiceSettings(node: Node): ServiceSettings {
  const webDomainName = optionalText(node, 'webDomainName', DOMAIN, 'a domain name');
  const webCertificateArn = optionalText(
    node,
    'webCertificateArn',
    /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/,
    'an ACM certificate ARN in us-east-1 (CloudFront needs it there)',
  );
  if ((webDomainName === undefined) !== (webCertificateArn === undefined)) {
    throw new InvalidContextError(
      'context webDomainName and webCertificateArn go together: set both or neither',
    );
  }
  const webBundle = optionalText(node, 'webBundle', /^[^\0]+$/, 'a folder');
  const sesDomain = optionalText(node, 'sesDomain', DOMAIN, 'a domain name');
  return {
    ...(webBundle ? { webBundle } : {}),
    ...(webDomainName ? { webDomainName } : {}),
    ...(webCertificateArn ? { webCertificateArn } : {}),
    ...(sesDomain ? { sesDomain } : {}),
    smsMonthlySpendLimitUsd: numberFrom(node, 'smsMonthlySpendLimitUsd', 1, 1, 1_000_000),
    rollupEveryMinutes: numberFrom(node, 'rollupEveryMinutes', 5, 1, 60),
  };
}

function numberFrom(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidContextError(`context ${key}=${String(raw)} must be a number from ${min} to ${max}`);
  }
  return value;
}

function emailFrom(node: Node, key: string, fallback: string): string {
  const raw: unknown = node.tryGetContext(key) ?? fallback;
  if (typeof raw !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw)) {
    throw new InvalidContextError(`context ${key}=${String(raw)} must be an e-mail address`);
  }
  return raw;
}

export function readSettings(node: Node): DeploymentSettings {
  const telemetryStore: unknown = node.tryGetContext('telemetryStore') ?? 'timestream';
  if (telemetryStore !== 'timestream' && telemetryStore !== 'postgres') {
    throw new InvalidContextError(
      `context telemetryStore=${String(telemetryStore)} must be "timestream" or "postgres"`,
    );
  }
  const auroraMinAcu = numberFrom(node, 'auroraMinAcu', 0.5, 0, 256);
  return {
    telemetryStore,
    // Timestream limits: memory store 1 h to 8766 h (1 year), magnetic store 1 day to 73000 days.
    memoryRetentionHours: numberFrom(node, 'memoryRetentionHours', 24, 1, 8766),
    magneticRetentionDays: numberFrom(node, 'magneticRetentionDays', 3 * 365, 1, 73_000),
    auroraMinAcu,
    auroraMaxAcu: numberFrom(node, 'auroraMaxAcu', 4, Math.max(1, auroraMinAcu), 256),
    reportRetentionDays: numberFrom(node, 'reportRetentionDays', 400, 1, 36_500),
    alarmEmailFrom: emailFrom(node, 'alarmEmailFrom', 'alarms@plantwatch.example.com'),
    ...readServiceSettings(node),
  };
}
