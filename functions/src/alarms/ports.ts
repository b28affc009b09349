import type { TelemetryPointRecord } from '@plantwatch/shared';

/**
 * Ingest hands every stored batch to the alarm evaluator (the alarms issue fills it in; until then a
 * no-op). A batch may be handed over again after a redelivery, so evaluation must be idempotent.
 */
export interface AlarmEvaluator {
  evaluate(batch: {
    tenantId: string;
    siteId: string;
    gatewayId: string;
    points: readonly TelemetryPointRecord[];
  }): Promise<void>;
  /**
   * The gateway's retained status topic said online or offline (the Last Will). `at` is when the
   * broker received it. May be handed over again, and out of order: an older status changes nothing.
   */
  gatewayStatus(change: {
    tenantId: string;
    siteId: string;
    gatewayId: string;
    online: boolean;
    at: number;
  }): Promise<void>;
}

export const noAlarmEvaluation: AlarmEvaluator = {
  evaluate: async () => undefined,
  gatewayStatus: async () => undefined,
};
