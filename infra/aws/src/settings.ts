// The deployment's settings, read from CDK context (`-c key=value` or cdk.json), checked once: a
// combination that cannot deploy or cannot work fails synthesis here, with what to set instead.
import type { Node } from 'constructs';
import { monthlyBill } from './cost/bill.ts';
import type { TelemetryStoreKind } from './data.ts';
import { DEFAULT_LOAD, type IngestQueue, type LoadModel } from './load-model.ts';

export interface DeploymentSettings extends ServiceSettings {
  readonly telemetryStore: TelemetryStoreKind;
  readonly memoryRetentionHours: number;
  readonly magneticRetentionDays: number;
  /** PostgreSQL telemetry: days of raw points kept; whole weekly partitions go after that. */
  readonly rawRetentionDays: number;
  readonly auroraMinAcu: number;
  readonly auroraMaxAcu: number;
  /** Aurora Standard (I/O billed) or I/O-Optimized; the default is the cheaper for the load model. */
  readonly auroraStorage: 'standard' | 'io-optimized';
  readonly reportRetentionDays: number;
  /** The verified SES identity alarm e-mails are sent from (`-c alarmEmailFrom=alarms@your-domain`). */
  readonly alarmEmailFrom: string;
  /** The verified SES identity account e-mail (sign-up, reset, notices) is sent from; default alarmEmailFrom. */
  readonly accountEmailFrom: string;
  /** The plan new tenants start on (`-c signupPlan=…`, a plan id of the catalogue; default starter). */
  readonly signupPlan: string;
  /** What the stack is sized for (ingest queue, shards, concurrency, batches): ADR 0026. */
  readonly load: LoadModel;
  readonly ingestQueue: IngestQueue;
  /** Overrides the ingest concurrency the load model gives. */
  readonly ingestConcurrency?: number;
  /** API function instances at most (reserved concurrency: its share of the database connections). */
  readonly apiConcurrency: number;
  /** The account's Lambda concurrency quota (1,000 by default; new accounts may have less until raised). */
  readonly lambdaAccountConcurrency: number;
  /** The monthly AWS budget the operations topic is warned about (default: the bill's total, +25 %). */
  readonly monthlyBudgetUsd: number;
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

function choiceFrom<T extends string>(node: Node, key: string, fallback: T, choices: readonly T[]): T {
  const raw: unknown = node.tryGetContext(key) ?? fallback;
  if (!choices.includes(raw as T)) {
    throw new InvalidContextError(
      `context ${key}=${String(raw)} must be ${choices.map((c) => `"${c}"`).join(' or ')}`,
    );
  }
  return raw as T;
}

function emailFrom(node: Node, key: string, fallback: string): string {
  const raw: unknown = node.tryGetContext(key) ?? fallback;
  if (typeof raw !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(raw)) {
    throw new InvalidContextError(`context ${key}=${String(raw)} must be an e-mail address`);
  }
  return raw;
}

/** Keys that mean something only with one telemetry store: set with the other, they are a mistake. */
const ONLY_WITH: Record<TelemetryStoreKind, readonly string[]> = {
  timestream: ['memoryRetentionHours', 'magneticRetentionDays', 'rollupEveryMinutes'],
  postgres: ['rawRetentionDays'],
};

export function readLoadModel(node: Node): LoadModel {
  return {
    sites: numberFrom(node, 'loadSites', DEFAULT_LOAD.sites, 1, 100_000),
    tagsPerSite: numberFrom(node, 'loadTagsPerSite', DEFAULT_LOAD.tagsPerSite, 1, 100_000),
    pollSeconds: numberFrom(node, 'loadPollSeconds', DEFAULT_LOAD.pollSeconds, 0.1, 3600),
    changeFraction: numberFrom(node, 'loadChangeFraction', DEFAULT_LOAD.changeFraction, 0, 1),
    publishSeconds: numberFrom(node, 'gatewayPublishSeconds', DEFAULT_LOAD.publishSeconds, 0.1, 60),
    heartbeatSeconds: DEFAULT_LOAD.heartbeatSeconds,
  };
}

export function readSettings(node: Node): DeploymentSettings {
  const telemetryStore = choiceFrom<TelemetryStoreKind>(node, 'telemetryStore', 'postgres', [
    'postgres',
    'timestream',
  ]);
  const other: TelemetryStoreKind = telemetryStore === 'postgres' ? 'timestream' : 'postgres';
  const misplaced = ONLY_WITH[other].filter((key) => node.tryGetContext(key) !== undefined);
  if (misplaced.length > 0) {
    throw new InvalidContextError(
      `context ${misplaced.join(', ')} only applies with telemetryStore=${other}, and this deployment is telemetryStore=${telemetryStore}: remove ${misplaced.length > 1 ? 'them' : 'it'} (or set telemetryStore=${other})`,
    );
  }
  const auroraMinAcu = numberFrom(node, 'auroraMinAcu', 0.5, 0, 256);
  if (auroraMinAcu === 0) {
    throw new InvalidContextError(
      'context auroraMinAcu=0 would never pause: the alarm check, the report scheduler and the held-pages flush query the database every minute. Use 0.5 (the smallest running capacity) or more',
    );
  }
  const auroraMaxAcu = numberFrom(node, 'auroraMaxAcu', 4, Math.max(1, auroraMinAcu), 256);
  const load = readLoadModel(node);
  const ingestQueue = choiceFrom<IngestQueue>(node, 'ingestQueue', 'kinesis', ['kinesis', 'sqs']);
  const memoryRetentionHours = numberFrom(node, 'memoryRetentionHours', 24, 1, 8766);
  const rawRetentionDays = numberFrom(node, 'rawRetentionDays', 35, 7, 36_500);
  const bill = monthlyBill({
    load,
    telemetryStore,
    queue: ingestQueue,
    basicIngest: true,
    dashboardHoursPerSite: 0,
    smsPerSite: 0,
    auroraMinAcu,
    memoryRetentionHours,
    rawRetentionDays,
  });
  const ingestConcurrency = node.tryGetContext('ingestConcurrency');
  const alarmEmailFrom = emailFrom(node, 'alarmEmailFrom', 'alarms@plantwatch.example.com');
  return {
    telemetryStore,
    // Timestream limits: memory store 1 h to 8766 h (1 year), magnetic store 1 day to 73000 days.
    memoryRetentionHours,
    magneticRetentionDays: numberFrom(node, 'magneticRetentionDays', 3 * 365, 1, 73_000),
    rawRetentionDays,
    auroraMinAcu,
    auroraMaxAcu,
    auroraStorage: choiceFrom(node, 'auroraStorage', bill.auroraStorage, ['standard', 'io-optimized']),
    reportRetentionDays: numberFrom(node, 'reportRetentionDays', 400, 1, 36_500),
    alarmEmailFrom,
    accountEmailFrom: emailFrom(node, 'accountEmailFrom', alarmEmailFrom),
    signupPlan: optionalText(node, 'signupPlan', /^[a-z0-9][a-z0-9_-]{0,63}$/, 'a plan id') ?? 'starter',
    load,
    ingestQueue,
    ...(ingestConcurrency === undefined
      ? {}
      : { ingestConcurrency: numberFrom(node, 'ingestConcurrency', 1, 1, 1000) }),
    apiConcurrency: numberFrom(node, 'apiConcurrency', 50, 2, 1000),
    lambdaAccountConcurrency: numberFrom(node, 'lambdaAccountConcurrency', 1000, 10, 100_000),
    // The bill without users (dashboards and SMS vary most), with room for them.
    monthlyBudgetUsd: numberFrom(
      node,
      'monthlyBudgetUsd',
      Math.ceil((bill.total * 1.25) / 50) * 50,
      10,
      10_000_000,
    ),
    ...readServiceSettings(node),
  };
}
