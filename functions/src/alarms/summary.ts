// What an annunciator shows (GET /v1/alarms/summary and its event stream): the alarms waiting for an
// operator by severity, the worst and the newest of them. Shelved and out-of-service alarms are
// suppressed (ISA-18.2): counted apart, never annunciated. The stream sends the summary when it opens
// and again whenever the tenant's alarms change and the summary with them (ADR 0028).
import type { Alarm, AlarmSeverity, AlarmSummary } from '@plantwatch/shared';
import { eventStream, SNAPSHOT_RETRY_MS, STREAM_TIMING } from '../platform/http/event-stream.ts';
import type { Principal } from '../platform/principal.ts';
import { severityOrder } from './alarm-view.ts';
import { type AlarmDeps, listAlarms } from './alarms.ts';

/** Waiting for an operator: unacknowledged (active or cleared) and neither shelved nor out of service. */
export const isAnnunciated = (alarm: Alarm) =>
  (alarm.state === 'active-unacked' || alarm.state === 'cleared-unacked') &&
  !alarm.shelved &&
  !alarm.outOfService;

/** When the alarm last needed attention: raised, or (cleared while unacknowledged) last changed. */
const sinceOf = (alarm: Alarm) => alarm.activeSince ?? alarm.updatedAt;

export function summarizeAlarms(alarms: readonly Alarm[], at: number): AlarmSummary {
  const unacked: Record<AlarmSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  const suppressed = { shelved: 0, outOfService: 0 };
  let newest: Alarm | null = null;
  for (const alarm of alarms) {
    if (alarm.outOfService) suppressed.outOfService += 1;
    else if (alarm.shelved) suppressed.shelved += 1;
    if (!isAnnunciated(alarm)) continue;
    unacked[alarm.severity] += 1;
    if (newest === null || sinceOf(alarm) > sinceOf(newest)) newest = alarm;
  }
  return {
    unacked,
    total: severityOrder.reduce((sum, severity) => sum + unacked[severity], 0),
    worst: severityOrder.find((severity) => unacked[severity] > 0) ?? null,
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
    suppressed,
    at,
  };
}

export type AlarmSummaryDeps = Pick<AlarmDeps, 'store' | 'clock' | 'changes'>;

/** Every alarm the caller may see, summed up (no list limit: a count must count all of them). */
export async function getAlarmSummary(deps: AlarmSummaryDeps, principal: Principal): Promise<AlarmSummary> {
  const alarms = await listAlarms(deps, principal, { status: 'all', limit: Number.MAX_SAFE_INTEGER });
  return summarizeAlarms(alarms, deps.clock.now().getTime());
}

/**
 * The summary as server-sent events: `summary` on open, and again after each change of the tenant's
 * alarms that changes it (an unchanged summary is not sent again). Without a change feed: the summary
 * once, and the client asks again after a few seconds.
 */
export async function streamAlarmSummary(
  deps: AlarmSummaryDeps,
  principal: Principal,
): Promise<AsyncIterable<string>> {
  const changes = deps.changes;
  let sent = '';
  return eventStream({
    ...STREAM_TIMING,
    ...(changes ? {} : { retryMs: SNAPSHOT_RETRY_MS }),
    read: async (reason) => {
      const summary = await getAlarmSummary(deps, principal);
      const key = JSON.stringify({ ...summary, at: 0 });
      if (reason !== 'open' && key === sent) return [];
      sent = key;
      return [{ event: 'summary', data: summary }];
    },
    subscribe: changes
      ? (wake) =>
          changes.subscribe(principal.tenantId, (change) => {
            if (change.topic === 'alarms') wake();
          })
      : undefined,
  });
}
