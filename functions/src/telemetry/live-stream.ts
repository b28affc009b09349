// A site live, as server-sent events (GET /v1/telemetry/stream?siteId=, ADR 0028): the latest value of
// every tag, the site's active alarms and its gateways' health when the stream opens; then the values
// that are newer after each stored batch, the alarms after each change of them, the gateways after each
// status. Where the runtime cannot push, the opening snapshot alone (the client asks again).
import { type Alarm, type GatewayHealth, idSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { type AlarmDeps, listAlarms } from '../alarms/alarms.ts';
import { type GatewayHealthDeps, listGatewayHealth } from '../gateway-health/health.ts';
import type { ChangeTopic } from '../platform/changes.ts';
import {
  eventStream,
  SNAPSHOT_RETRY_MS,
  STREAM_TIMING,
  type StreamEvent,
} from '../platform/http/event-stream.ts';
import { type Route, routesOn } from '../platform/http/route.ts';
import type { Principal } from '../platform/principal.ts';
import { type LatestValue, latestValues, type TelemetryDeps } from './telemetry.ts';

/** What a site's live stream reads: its values, its alarms, its gateways, and the change feed. */
export type SiteLiveDeps = TelemetryDeps & Pick<AlarmDeps, 'store' | 'clock' | 'changes'> & GatewayHealthDeps;

interface SiteLive {
  values: LatestValue[];
  alarms: Alarm[];
  gateways: GatewayHealth[];
}

const readValues = (deps: SiteLiveDeps, principal: Principal, siteId: string) =>
  latestValues(deps, principal, { siteId });
const readAlarms = (deps: SiteLiveDeps, principal: Principal, siteId: string) =>
  listAlarms(deps, principal, { status: 'active', siteId, limit: 1000 });
const readGateways = (deps: SiteLiveDeps, principal: Principal, siteId: string) =>
  listGatewayHealth(deps, principal, { siteId });

/**
 * The stream of one site. The opening snapshot is read before the stream opens, so a site the caller
 * may not see (another tenant's, or outside their site list) is a 404 with the JSON error envelope.
 */
export async function streamSiteLive(
  deps: SiteLiveDeps,
  principal: Principal,
  siteId: string,
): Promise<AsyncIterable<string>> {
  const [values, alarms, gateways] = await Promise.all([
    readValues(deps, principal, siteId),
    readAlarms(deps, principal, siteId),
    readGateways(deps, principal, siteId),
  ]);
  let opening: SiteLive | null = { values, alarms, gateways };
  // What the client has: each tag's newest sample time, and the alarms and gateways as last sent.
  const sentTs = new Map<string, number>();
  let sentAlarms = '';
  let sentGateways = '';
  const dirty = new Set<ChangeTopic>();
  const now = () => deps.clock.now().getTime();

  const valuesEvent = (latest: readonly LatestValue[]): StreamEvent | null => {
    const fresh = latest.filter((value) => (sentTs.get(value.tagId) ?? -1) < value.ts);
    for (const value of fresh) sentTs.set(value.tagId, value.ts);
    return fresh.length > 0 ? { event: 'values', data: { now: now(), values: fresh } } : null;
  };
  const alarmsEvent = (list: Alarm[]): StreamEvent | null => {
    const key = JSON.stringify(list);
    if (key === sentAlarms) return null;
    sentAlarms = key;
    return { event: 'alarms', data: { alarms: list } };
  };
  const gatewaysEvent = (list: GatewayHealth[]): StreamEvent | null => {
    const key = JSON.stringify(list);
    if (key === sentGateways) return null;
    sentGateways = key;
    return { event: 'gateways', data: { gateways: list } };
  };

  const changes = deps.changes;
  return eventStream({
    ...STREAM_TIMING,
    ...(changes ? {} : { retryMs: SNAPSHOT_RETRY_MS }),
    read: async (reason) => {
      if (opening) {
        const snapshot = opening;
        opening = null;
        return [
          valuesEvent(snapshot.values) ?? { event: 'values', data: { now: now(), values: [] } },
          alarmsEvent(snapshot.alarms) ?? { event: 'alarms', data: { alarms: snapshot.alarms } },
          gatewaysEvent(snapshot.gateways) ?? { event: 'gateways', data: { gateways: snapshot.gateways } },
        ];
      }
      const topics =
        reason === 'recheck' ? new Set<ChangeTopic>(['values', 'alarms', 'gateways']) : new Set(dirty);
      dirty.clear();
      const events = await Promise.all([
        topics.has('values') ? readValues(deps, principal, siteId).then(valuesEvent) : null,
        topics.has('alarms') ? readAlarms(deps, principal, siteId).then(alarmsEvent) : null,
        topics.has('gateways') ? readGateways(deps, principal, siteId).then(gatewaysEvent) : null,
      ]);
      return events.filter((event): event is StreamEvent => event !== null);
    },
    subscribe: changes
      ? (wake) =>
          changes.subscribe(principal.tenantId, (change) => {
            if (change.siteId !== null && change.siteId !== siteId) return;
            dirty.add(change.topic);
            wake();
          })
      : undefined,
  });
}

const { defineEventStreamRoute } = routesOn<SiteLiveDeps>();

export const liveRoutes: Route<SiteLiveDeps>[] = [
  defineEventStreamRoute({
    operationId: 'streamSiteLive',
    path: '/v1/telemetry/stream',
    summary:
      "A site live as server-sent events: `values` ({now, values}: every tag's latest sample on open, then those newer), `alarms` ({alarms}: the site's active alarms, when they change) and `gateways` ({gateways}: GatewayHealth of the site's gateways, when a status arrives)",
    tag: 'telemetry',
    access: 'viewer',
    query: z.object({ siteId: idSchema }),
    errors: [404],
    handle: ({ deps, principal, query }) => streamSiteLive(deps, principal, query.siteId),
  }),
];
