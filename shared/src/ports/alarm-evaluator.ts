import type { TelemetryPointRecord } from '../telemetry.ts';

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
}

export const noAlarmEvaluation: AlarmEvaluator = { evaluate: async () => undefined };
