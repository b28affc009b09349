// What the alarm bar annunciates comes from the API (GET /v1/alarms/summary and its stream): the
// unacknowledged alarms by severity and the newest. The same rule colours sites and lists here:
// shelved and out-of-service alarms are not annunciated (ISA-18.2: suppressed by design or by an operator).
import { type Alarm, type AlarmSeverity, alarmSummarySchema } from '@plantwatch/shared';
import type { z } from 'zod';

export { alarmSummarySchema };
export type AlarmSummary = z.infer<typeof alarmSummarySchema>;

/** Waiting for an operator: unacknowledged (active or cleared) and neither shelved nor out of service. */
export const isAnnunciated = (alarm: Alarm) =>
  (alarm.state === 'active-unacked' || alarm.state === 'cleared-unacked') &&
  !alarm.shelved &&
  !alarm.outOfService;

const SEVERITY_RANK: Record<AlarmSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The most severe of these severities, or null for none. */
export const worstOf = (severities: Iterable<AlarmSeverity>): AlarmSeverity | null => {
  let worst: AlarmSeverity | null = null;
  for (const severity of severities) {
    if (worst === null || SEVERITY_RANK[severity] < SEVERITY_RANK[worst]) worst = severity;
  }
  return worst;
};
