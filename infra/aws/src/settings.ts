// The deployment's settings, read from CDK context (`-c key=value` or cdk.json), checked once.
import type { Node } from 'constructs';
import type { TelemetryStoreKind } from './data.ts';

export interface DeploymentSettings {
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
  };
}
