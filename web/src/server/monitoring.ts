import 'server-only';
// What the monitoring pages read (fleet status, alarms, their journal), through the same data layer
// as the configuration pages: the viewer's role checked, the API asked with the viewer's token.
import {
  type AlarmEvent,
  type AlarmRule,
  type AlarmSeverity,
  type AlarmState,
  alarmEventSchema,
  alarmRuleSchema,
  alarmSchema,
  type EscalationChain,
  escalationChainSchema,
  type Site,
} from '@plantwatch/shared';
import { z } from 'zod';
import { type SiteStatus, siteStatus } from '../fleet-status.ts';
import { type LatestValue, latestValuesSchema } from '../live-types.ts';
import { listGateways, query, read } from './data.ts';

export interface AlarmFilter {
  status: 'active' | 'history' | 'all';
  siteId?: string | undefined;
  /** Only the alarms of this asset and everything under it. */
  assetId?: string | undefined;
  ruleId?: string | undefined;
  severity?: AlarmSeverity | undefined;
  state?: AlarmState | undefined;
  /** At most this many (the API allows 1-1000; its default is 500). */
  limit?: number | undefined;
}

/** An alarm as the console reads it, with `clearedAt` (when it last returned to normal). */
export const consoleAlarmSchema = alarmSchema;
export type ConsoleAlarm = z.infer<typeof consoleAlarmSchema>;

/** The API filters and orders (most severe first); at most `limit` (the API's default: 500). */
export const listAlarms = async (filter: AlarmFilter): Promise<ConsoleAlarm[]> =>
  (
    await read(
      `/v1/alarms${query({ ...filter, limit: filter.limit === undefined ? undefined : String(filter.limit) })}`,
      z.object({ alarms: z.array(consoleAlarmSchema) }),
    )
  ).alarms;

/** The console's lists: what needs attention, what is suppressed (shelved, out of service), history, all. */
export type ConsoleShow = 'active' | 'shelved' | 'out-of-service' | 'history' | 'all';

const inList: Record<'active' | 'shelved' | 'out-of-service', (alarm: ConsoleAlarm) => boolean> = {
  // Suppressed alarms leave the active list for their own (ISA-18.2): they are not annunciated.
  active: (a) => a.state !== 'normal' && !a.shelved && !a.outOfService,
  shelved: (a) => a.shelved,
  'out-of-service': (a) => a.outOfService,
};

/**
 * One of the console's lists, and the alarms outside it (for the rows that leave it while shown):
 * active, shelved and out of service are cut from every alarm; history and all are the API's lists.
 */
export async function consoleAlarms(
  show: ConsoleShow,
  filter: Omit<AlarmFilter, 'status'>,
): Promise<{ alarms: ConsoleAlarm[]; elsewhere: ConsoleAlarm[] }> {
  if (show === 'history' || show === 'all')
    return { alarms: await listAlarms({ ...filter, status: show, limit: 1000 }), elsewhere: [] };
  const belongs = inList[show];
  // The active list comes from the API's own active list, complete however many alarms are normal;
  // shelved and out-of-service alarms may be normal underneath, so those lists are cut from all.
  const [active, every] = await Promise.all([
    show === 'active' ? listAlarms({ ...filter, status: 'active', limit: 1000 }) : Promise.resolve(null),
    listAlarms({ ...filter, status: 'all', limit: 1000 }),
  ]);
  const alarms = (active ?? every).filter(belongs);
  const shown = new Set(alarms.map((alarm) => alarm.id));
  return { alarms, elsewhere: every.filter((alarm) => !shown.has(alarm.id)) };
}

export const getAlarmRule = (ruleId: string): Promise<AlarmRule> =>
  read(`/v1/alarm-rules/${encodeURIComponent(ruleId)}`, alarmRuleSchema);

export const listAlarmEvents = async (ruleId: string, limit = 200): Promise<AlarmEvent[]> =>
  (
    await read(
      `/v1/alarms/${encodeURIComponent(ruleId)}/events${query({ limit: String(limit) })}`,
      z.object({ events: z.array(alarmEventSchema) }),
    )
  ).events;

/** The escalation chains of the rule's alarms, newest first (docs/escalation.md). */
export const listEscalationChains = async (ruleId: string, limit = 20): Promise<EscalationChain[]> =>
  (
    await read(
      `/v1/alarms/${encodeURIComponent(ruleId)}/escalations${query({ limit: String(limit) })}`,
      z.object({ chains: z.array(escalationChainSchema) }),
    )
  ).chains;

export const latestValues = async (siteId: string): Promise<LatestValue[]> =>
  (await read(`/v1/telemetry/latest${query({ siteId })}`, latestValuesSchema)).values;

/** Sites asked for their latest values at once; a large fleet must not open a connection per site. */
const FLEET_CONCURRENCY = 6;

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  }
  return results;
}

/** Status at a glance for each site: gateways reporting, active alarms by severity, last data. */
export async function fleetStatus(sites: readonly Site[], now = Date.now()): Promise<SiteStatus[]> {
  if (sites.length === 0) return [];
  const [gateways, alarms, latest] = await Promise.all([
    listGateways(),
    listAlarms({ status: 'active' }),
    inBatches(sites, FLEET_CONCURRENCY, (site) => latestValues(site.id)),
  ]);
  return sites.map((site, index) => siteStatus(site, { gateways, values: latest[index] ?? [], alarms, now }));
}
