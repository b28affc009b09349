// A site's status at a glance, from its gateways, latest values and alarms: what the fleet page shows.
import type { Alarm, AlarmSeverity, Gateway, Site } from '@plantwatch/shared';
import { isAnnunciated, worstOf } from './alarm-summary.ts';
import type { LatestValue } from './live-types.ts';

/**
 * A gateway counts as online when some tag under it reported within this window: every tag is resent
 * at least once a heartbeat (60 s by default), so a quiet plant still shows as online.
 */
export const ONLINE_WINDOW_MS = 150_000;

export interface SiteStatus {
  site: Site;
  gateways: number;
  gatewaysOnline: number;
  /** Alarms in an active state, not shelved or out of service, by severity. */
  activeAlarms: Record<AlarmSeverity, number>;
  /** Alarms waiting for an acknowledgement (active or cleared), not shelved or out of service, by severity. */
  unackedAlarms: Record<AlarmSeverity, number>;
  /** The highest severity among them: what the fleet's summary colours the site by. */
  worstUnacked: AlarmSeverity | null;
  /** How many alarms wait for an acknowledgement (the sum of unackedAlarms). */
  unacked: number;
  /** Alarms active and acknowledged (not shelved or out of service): abnormal, but someone is on it. */
  activeAcked: number;
  /** Alarms shelved or out of service (not back to normal): suppressed, shown apart. */
  suppressed: number;
  lastDataTs: number | null;
}

const isActive = (alarm: Alarm) =>
  (alarm.state === 'active-unacked' || alarm.state === 'active-acked') &&
  !alarm.shelved &&
  !alarm.outOfService;

export function siteStatus(
  site: Site,
  input: {
    gateways: readonly Gateway[];
    values: readonly LatestValue[];
    alarms: readonly Alarm[];
    now: number;
  },
): SiteStatus {
  const lastByGateway = new Map<string, number>();
  let lastDataTs: number | null = null;
  for (const value of input.values) {
    lastByGateway.set(value.gatewayId, Math.max(lastByGateway.get(value.gatewayId) ?? 0, value.ts));
    lastDataTs = Math.max(lastDataTs ?? 0, value.ts);
  }
  const activeAlarms: Record<AlarmSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  const unackedAlarms: Record<AlarmSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  let unacked = 0;
  let suppressed = 0;
  let activeAcked = 0;
  for (const alarm of input.alarms) {
    if (alarm.siteId !== site.id) continue;
    if (isActive(alarm)) activeAlarms[alarm.severity] += 1;
    if (isAnnunciated(alarm)) {
      unackedAlarms[alarm.severity] += 1;
      unacked += 1;
    }
    if ((alarm.shelved || alarm.outOfService) && alarm.state !== 'normal') suppressed += 1;
    else if (alarm.state === 'active-acked') activeAcked += 1;
  }
  const gateways = input.gateways.filter((gateway) => gateway.siteId === site.id);
  return {
    site,
    gateways: gateways.length,
    gatewaysOnline: gateways.filter(
      (gateway) =>
        input.now - (lastByGateway.get(gateway.id) ?? Number.NEGATIVE_INFINITY) <= ONLINE_WINDOW_MS,
    ).length,
    activeAlarms,
    unackedAlarms,
    worstUnacked: worstOf(
      (Object.keys(unackedAlarms) as AlarmSeverity[]).filter((severity) => unackedAlarms[severity] > 0),
    ),
    unacked,
    activeAcked,
    suppressed,
    lastDataTs,
  };
}
