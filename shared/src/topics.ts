// MQTT topic names (DESIGN.md "Contracts"): build them, parse them, and decide whether a gateway may use one.
import { z } from 'zod';
import { InvalidInputError } from './errors.ts';

export interface GatewayTopicIds {
  tenantId: string;
  siteId: string;
  gatewayId: string;
}

export type TopicKind = 'telemetry' | 'status' | 'response' | 'config' | 'request';

export interface ParsedTopic extends GatewayTopicIds {
  kind: TopicKind;
}

/**
 * One id inside a topic. An allow-list rather than a ban on "/", "+" and "#": those three change
 * what a topic or filter means, and an allow-list also keeps out NUL (forbidden by MQTT), spaces and
 * look-alike Unicode. 64 characters keep the longest topic under AWS IoT Core's 256-byte limit.
 */
export const topicIdPattern = /^[A-Za-z0-9_.:-]{1,64}$/;
const topicIdRule = 'letters, digits, "_", ".", ":" and "-" only (1-64 characters)';

export const topicIdSchema = z
  .string()
  .regex(topicIdPattern, `must use ${topicIdRule}: "/", "+" and "#" have a meaning in MQTT topics`);

function topicKind(prefix: string, last: string): TopicKind | null {
  if (prefix === 'dt' && (last === 'telemetry' || last === 'status' || last === 'response')) return last;
  if (prefix === 'cmd' && (last === 'config' || last === 'request')) return last;
  return null;
}

function checkedIds(ids: GatewayTopicIds): GatewayTopicIds {
  for (const field of ['tenantId', 'siteId', 'gatewayId'] as const) {
    const value: unknown = ids[field];
    if (typeof value !== 'string' || !topicIdPattern.test(value)) {
      throw new InvalidInputError(
        `${field} ${JSON.stringify(value)} cannot be used in an MQTT topic: use ${topicIdRule}; "/", "+" and "#" have a meaning in MQTT topics`,
      );
    }
  }
  return ids;
}

function gatewayPath(ids: GatewayTopicIds): string {
  const { tenantId, siteId, gatewayId } = checkedIds(ids);
  return `${tenantId}/${siteId}/${gatewayId}`;
}

/** `dt/{tenantId}/{siteId}/{gatewayId}/telemetry`: QoS 1 telemetry batches. */
export function telemetryTopic(ids: GatewayTopicIds): string {
  return `dt/${gatewayPath(ids)}/telemetry`;
}

/** `dt/{tenantId}/{siteId}/{gatewayId}/status`: retained online/offline and driver health. */
export function statusTopic(ids: GatewayTopicIds): string {
  return `dt/${gatewayPath(ids)}/status`;
}

/** `cmd/{tenantId}/{siteId}/{gatewayId}/config`: retained, versioned gateway config. */
export function configTopic(ids: GatewayTopicIds): string {
  return `cmd/${gatewayPath(ids)}/config`;
}

/** `cmd/{tenantId}/{siteId}/{gatewayId}/request`: a command for the gateway (browse, read-once), QoS 1. */
export function requestTopic(ids: GatewayTopicIds): string {
  return `cmd/${gatewayPath(ids)}/request`;
}

/** `dt/{tenantId}/{siteId}/{gatewayId}/response`: the gateway's answer to a request, in numbered parts. */
export function responseTopic(ids: GatewayTopicIds): string {
  return `dt/${gatewayPath(ids)}/response`;
}

/** The topic's kind and ids, or null for anything that is not exactly one of our five topics. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (typeof topic !== 'string') return null;
  const segments = topic.split('/');
  if (segments.length !== 5) return null;
  const [prefix = '', tenantId = '', siteId = '', gatewayId = '', last = ''] = segments;
  const kind = topicKind(prefix, last);
  if (kind === null) return null;
  if (![tenantId, siteId, gatewayId].every((id) => topicIdPattern.test(id))) return null;
  return { kind, tenantId, siteId, gatewayId };
}

/**
 * The two prefixes a gateway owns, each ending in "/" so that a plain `startsWith` cannot let
 * gateway `gw-1` into `gw-10`'s topics. The gateway publishes under `data` and receives under `command`.
 */
export function gatewayTopicPrefixes(ids: GatewayTopicIds): { data: string; command: string } {
  const path = gatewayPath(ids);
  return { data: `dt/${path}/`, command: `cmd/${path}/` };
}

/**
 * Whether a gateway may publish or subscribe to `topic`: it must lie under one of the gateway's own
 * prefixes, with no wildcard (a filter such as `dt/+/…` or `…/#` could reach other gateways' data or
 * retained config), no empty level and no NUL. Throws when `ids` themselves are unusable in a topic.
 */
export function topicAllowedForGateway(topic: string, ids: GatewayTopicIds): boolean {
  const { data, command } = gatewayTopicPrefixes(ids);
  if (typeof topic !== 'string' || new TextEncoder().encode(topic).length > 256) return false;
  const prefix = topic.startsWith(data) ? data : topic.startsWith(command) ? command : null;
  if (prefix === null) return false;
  const rest = topic.slice(prefix.length);
  return rest.split('/').every((level) => level.length > 0 && !/[+#\p{Cc}]/u.test(level));
}
