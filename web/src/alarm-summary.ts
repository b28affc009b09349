// What the alarm bar annunciates: unacknowledged alarms by severity and the newest of them. Shelved
// and out-of-service alarms are not annunciated (ISA-18.2: suppressed by design or by an operator).
import { type Alarm, type AlarmSeverity, alarmSeverities } from '@plantwatch/shared';
import { z } from 'zod';

export const alarmSummarySchema = z.object({
  unacked: z.object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number() }),
  total: z.number(),
  worst: z.enum(alarmSeverities).nullable(),
  newest: z
    .object({
      id: z.string(),
      ruleId: z.string(),
      name: z.string(),
      severity: z.enum(alarmSeverities),
      siteId: z.string(),
      since: z.string(),
    })
    .nullable(),
  /** The server's clock when it answered (epoch ms). */
  at: z.number(),
});
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

/** When the alarm last needed attention: raised, or (cleared while unacknowledged) last changed. */
const sinceOf = (alarm: Alarm) => alarm.activeSince ?? alarm.updatedAt;

export function summarizeAlarms(alarms: readonly Alarm[], at: number): AlarmSummary {
  const unacked: Record<AlarmSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  let newest: Alarm | null = null;
  for (const alarm of alarms) {
    if (!isAnnunciated(alarm)) continue;
    unacked[alarm.severity] += 1;
    if (newest === null || sinceOf(alarm) > sinceOf(newest)) newest = alarm;
  }
  const total = alarmSeverities.reduce((sum, severity) => sum + unacked[severity], 0);
  return {
    unacked,
    total,
    worst: worstOf(alarmSeverities.filter((severity) => unacked[severity] > 0)),
    newest: newest
      ? {
          id: newest.id,
          ruleId: newest.ruleId,
          name: newest.name,
          severity: newest.severity,
          siteId: newest.siteId,
          since: sinceOf(newest),
        }
      : null,
    at,
  };
}
