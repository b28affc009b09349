// What a Sparkplug B host keeps per edge node: whether it is online (NBIRTH → NDEATH), its bdSeq and
// message sequence, the alias table its BIRTH certificates set up (node and devices share one), the
// metrics each BIRTH announced (for discovery), and each configured tag's last value (for the bad
// points a DEATH produces). Pure: the driver feeds it decoded messages and acts on the outcome.
import type { SparkplugConfigDevice, TelemetryPoint, TelemetryValue } from '@plantwatch/shared';
import { scaledValue } from '../opcua/convert.ts';
import {
  longToNumber,
  metricQuality,
  metricValue,
  type SparkplugMetric,
  type SparkplugPayload,
} from './payload.ts';

export type MessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'DBIRTH' | 'DDEATH' | 'DDATA' | 'NCMD' | 'DCMD';

export interface SparkplugTopic {
  type: MessageType;
  groupId: string;
  edgeNodeId: string;
  deviceId?: string;
}

const messageTypes = new Set<string>([
  'NBIRTH',
  'NDEATH',
  'NDATA',
  'DBIRTH',
  'DDEATH',
  'DDATA',
  'NCMD',
  'DCMD',
]);

/** `spBv1.0/{group}/{type}/{edgeNode}[/{device}]`, or null for anything else. */
export function parseTopic(topic: string): SparkplugTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'spBv1.0' || parts.length < 4 || parts.length > 5) return null;
  const [, groupId = '', type = '', edgeNodeId = '', deviceId] = parts;
  if (!messageTypes.has(type) || !groupId || !edgeNodeId) return null;
  const isDevice = type.startsWith('D');
  if (isDevice !== (deviceId !== undefined && deviceId !== '')) return null;
  return { type: type as MessageType, groupId, edgeNodeId, ...(isDevice ? { deviceId } : {}) };
}

/** The topics of one edge node and its devices. */
export function nodeTopics(groupId: string, edgeNodeId: string): string[] {
  const base = `spBv1.0/${groupId}`;
  return [
    ...['NBIRTH', 'NDEATH', 'NDATA'].map((type) => `${base}/${type}/${edgeNodeId}`),
    ...['DBIRTH', 'DDEATH', 'DDATA'].map((type) => `${base}/${type}/${edgeNodeId}/+`),
  ];
}

export interface DiscoveredMetric {
  name: string;
  type: string;
  value: TelemetryValue | null;
}

export interface Outcome {
  points: TelemetryPoint[];
  /** Why the node should be asked for a rebirth (its state here is incomplete or out of step). */
  rebirth?: string;
  /** Why (part of) the message could not be used. */
  malformed?: string;
  /** The node came online or went offline with this message. */
  event?: 'node-born' | 'node-dead' | 'device-born' | 'device-dead';
}

type Tag = SparkplugConfigDevice['tags'][number];

const MIN_TS = 946_684_800_000;
const MAX_TS = 4_102_444_800_000;

export class SparkplugNodeState {
  readonly #deviceKey: string;
  readonly #tags = new Map<string, Tag>();
  readonly #lastValues = new Map<string, TelemetryValue>();
  /** alias → the metric it stands for. */
  readonly #aliases = new Map<number, { device: string; name: string; type: string }>();
  /** `${device}\n${name}` → datatype, from the births. */
  readonly #types = new Map<string, string>();
  /** Metrics the last births announced, by Sparkplug device ('' for the node). */
  readonly #discovered = new Map<string, Map<string, DiscoveredMetric>>();
  readonly #devicesOnline = new Set<string>();
  #online = false;
  #bdSeq: number | null = null;
  #expectedSeq: number | null = null;

  constructor(device: Pick<SparkplugConfigDevice, 'id' | 'tags'>) {
    this.#deviceKey = device.id;
    for (const tag of device.tags) this.#tags.set(key(tag.sparkplugDevice ?? '', tag.metric), tag);
  }

  get online(): boolean {
    return this.#online;
  }

  /** What the last NBIRTH and DBIRTHs announced ('' is the node itself). */
  discovered(): Map<string, DiscoveredMetric[]> {
    return new Map([...this.#discovered].map(([device, metrics]) => [device, [...metrics.values()]]));
  }

  /** The broker connection is gone: the node's state can no longer be trusted. */
  lost(ts: number): TelemetryPoint[] {
    const wasOnline = this.#online;
    this.#reset();
    return wasOnline ? this.#badPoints(() => true, ts) : [];
  }

  handle(topic: SparkplugTopic, payload: SparkplugPayload, receivedAt: number): Outcome {
    const device = topic.deviceId ?? '';
    switch (topic.type) {
      case 'NBIRTH':
        return this.#nodeBirth(payload, receivedAt);
      case 'NDEATH':
        return this.#nodeDeath(payload, receivedAt);
      case 'DBIRTH':
      case 'NDATA':
      case 'DDATA': {
        if (!this.#online) return { points: [], rebirth: `${topic.type} before the node's NBIRTH` };
        const sequence = this.#checkSeq(payload);
        if (topic.type === 'DBIRTH')
          return { ...this.#deviceBirth(device, payload, receivedAt), ...sequence };
        if (topic.type === 'DDATA' && !this.#devicesOnline.has(device)) {
          return { points: [], rebirth: `DDATA from device ${device} before its DBIRTH`, ...sequence };
        }
        const outcome = this.#data(device, payload, receivedAt);
        return sequence.rebirth && !outcome.rebirth ? { ...outcome, ...sequence } : outcome;
      }
      case 'DDEATH': {
        this.#devicesOnline.delete(device);
        if (this.#online) this.#checkSeq(payload);
        return {
          points: this.#badPoints((tag) => (tag.sparkplugDevice ?? '') === device, receivedAt),
          event: 'device-dead',
        };
      }
      default:
        return { points: [] };
    }
  }

  #reset(): void {
    this.#online = false;
    this.#aliases.clear();
    this.#devicesOnline.clear();
    this.#expectedSeq = null;
  }

  #nodeBirth(payload: SparkplugPayload, receivedAt: number): Outcome {
    this.#reset();
    this.#types.clear();
    this.#discovered.clear();
    this.#online = true;
    const bdSeq = payload.metrics?.find((m) => m.name === 'bdSeq');
    this.#bdSeq = bdSeq ? longToNumber(bdSeq.value) : null;
    const seq = longToNumber(payload.seq);
    this.#expectedSeq = seq === null ? null : (seq + 1) % 256;
    return { ...this.#birth('', payload, receivedAt), event: 'node-born' };
  }

  #deviceBirth(device: string, payload: SparkplugPayload, receivedAt: number): Outcome {
    this.#devicesOnline.add(device);
    for (const [alias, entry] of this.#aliases) if (entry.device === device) this.#aliases.delete(alias);
    return { ...this.#birth(device, payload, receivedAt), event: 'device-born' };
  }

  #birth(device: string, payload: SparkplugPayload, receivedAt: number): Outcome {
    const discovered = new Map<string, DiscoveredMetric>();
    this.#discovered.set(device, discovered);
    const problems: string[] = [];
    for (const metric of payload.metrics ?? []) {
      if (!metric.name || !metric.type) {
        problems.push('a BIRTH metric without a name or datatype');
        continue;
      }
      this.#types.set(key(device, metric.name), metric.type);
      const alias = longToNumber(metric.alias);
      if (alias !== null) this.#aliases.set(alias, { device, name: metric.name, type: metric.type });
      discovered.set(metric.name, {
        name: metric.name,
        type: metric.type,
        value: metricValue(metric.type, metric.value),
      });
    }
    const outcome = this.#data(device, payload, receivedAt);
    return problems.length > 0 ? { ...outcome, malformed: problems[0] } : outcome;
  }

  #nodeDeath(payload: SparkplugPayload, receivedAt: number): Outcome {
    const bdSeqMetric = payload.metrics?.find((m) => m.name === 'bdSeq');
    const bdSeq = bdSeqMetric ? longToNumber(bdSeqMetric.value) : null;
    // A Last Will from an earlier session of the node arrives late: it does not end this one.
    if (this.#online && bdSeq !== null && this.#bdSeq !== null && bdSeq !== this.#bdSeq)
      return { points: [] };
    const wasOnline = this.#online;
    this.#reset();
    return {
      points: wasOnline ? this.#badPoints(() => true, receivedAt) : [],
      event: 'node-dead',
    };
  }

  /** DATA, DBIRTH and DDEATH carry the node's sequence 0-255; a gap means messages were lost. */
  #checkSeq(payload: SparkplugPayload): Pick<Outcome, 'rebirth'> {
    const seq = longToNumber(payload.seq);
    if (seq === null) return {};
    const expected = this.#expectedSeq;
    this.#expectedSeq = (seq + 1) % 256;
    if (expected !== null && seq !== expected)
      return { rebirth: `sequence ${seq} where ${expected} was due` };
    return {};
  }

  #data(device: string, payload: SparkplugPayload, receivedAt: number): Outcome {
    const points: TelemetryPoint[] = [];
    let rebirth: string | undefined;
    let malformed: string | undefined;
    const payloadTs = longToNumber(payload.timestamp);
    for (const metric of payload.metrics ?? []) {
      let name = metric.name ?? undefined;
      let type = metric.type;
      const alias = longToNumber(metric.alias);
      if (!name) {
        const entry = alias === null ? undefined : this.#aliases.get(alias);
        if (!entry || entry.device !== device) {
          rebirth ??= alias === null ? 'a metric with neither name nor alias' : `unknown alias ${alias}`;
          continue;
        }
        name = entry.name;
        type ??= entry.type as typeof type;
      }
      type ??= this.#types.get(key(device, name)) as typeof type;
      const point = this.#point(device, name, type, metric, metricTs(metric, payloadTs, receivedAt));
      if (point === 'unusable')
        malformed ??= `metric ${name}: a ${type ?? 'untyped'} value telemetry cannot carry`;
      else if (point) points.push(point);
    }
    return { points, ...(rebirth ? { rebirth } : {}), ...(malformed ? { malformed } : {}) };
  }

  #point(
    device: string,
    name: string,
    type: string | undefined,
    metric: SparkplugMetric,
    ts: number,
  ): TelemetryPoint | null | 'unusable' {
    const tag = this.#tags.get(key(device, name));
    if (!tag) return null;
    const raw = metricValue(type, metric.value);
    if (raw === null) {
      const isNull = metric.value === null || metric.value === undefined || metric.isNull === true;
      const last = this.#lastValues.get(tag.id);
      if (!isNull) return 'unusable';
      return last === undefined ? null : { d: this.#deviceKey, t: tag.id, ts, v: last, q: 'bad' };
    }
    const value = scaledValue(raw, tag);
    const q = metricQuality(metric);
    if (q === 'good') this.#lastValues.set(tag.id, value);
    return { d: this.#deviceKey, t: tag.id, ts, v: value, q };
  }

  #badPoints(which: (tag: Tag) => boolean, ts: number): TelemetryPoint[] {
    const points: TelemetryPoint[] = [];
    for (const tag of this.#tags.values()) {
      const last = this.#lastValues.get(tag.id);
      if (last !== undefined && which(tag))
        points.push({ d: this.#deviceKey, t: tag.id, ts, v: last, q: 'bad' });
    }
    return points;
  }
}

function key(device: string, name: string): string {
  return `${device}\n${name}`;
}

function metricTs(metric: SparkplugMetric, payloadTs: number | null, receivedAt: number): number {
  const ts = longToNumber(metric.timestamp) ?? payloadTs;
  return ts !== null && ts >= MIN_TS && ts < MAX_TS ? ts : receivedAt;
}
