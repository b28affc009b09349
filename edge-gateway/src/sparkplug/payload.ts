// Sparkplug B payloads through Eclipse Tahu's reference codec (sparkplug-payload, ADR 0032), and their
// metrics as telemetry values: 64-bit integers as numbers, DateTime as epoch ms, the OPC-style Quality
// property (192 good, 64-191 uncertain, below 64 bad) as quality. A DATA metric may leave its datatype
// out (Sparkplug 3.0): the codec then gives no value, so the raw protobuf field is read with the type
// the BIRTH gave for that alias.
import { MAX_STRING_VALUE_LENGTH, type Quality, type TelemetryValue } from '@plantwatch/shared';
import sparkplug from 'sparkplug-payload';
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';

type Codec = NonNullable<ReturnType<typeof sparkplug.get>>;
export type SparkplugPayload = ReturnType<Codec['decodePayload']>;
export type SparkplugMetric = NonNullable<SparkplugPayload['metrics']>[number];

const codec = sparkplug.get('spBv1.0') as Codec;
const RawPayload = proto.org.eclipse.tahu.protobuf.Payload;

export class PayloadError extends Error {}

/** A number from a protobuf uint64 (a long.js Long, or a number); null when absent. */
export function longToNumber(value: unknown, signed = false): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    const hi = signed ? high | 0 : high >>> 0;
    return hi * 2 ** 32 + (low >>> 0);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return null;
}

export function decodeSparkplug(bytes: Uint8Array): SparkplugPayload {
  let payload: SparkplugPayload;
  try {
    payload = codec.decodePayload(bytes);
  } catch (error) {
    throw new PayloadError(
      `not a Sparkplug B payload: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const metrics = payload.metrics ?? [];
  if (metrics.some((m) => m.type === undefined)) {
    // Datatypes left out (allowed in DATA): keep the raw oneof value for the alias table to type.
    const raw = RawPayload.decode(bytes).metrics;
    metrics.forEach((metric, index) => {
      if (metric.type !== undefined) return;
      const r = raw[index];
      if (!r) return;
      const rawValue =
        r.floatValue ??
        r.doubleValue ??
        r.booleanValue ??
        r.stringValue ??
        (r.longValue !== undefined && r.longValue !== null ? r.longValue : undefined) ??
        r.intValue;
      (metric as { value: unknown }).value = rawValue ?? null;
    });
  }
  return payload;
}

/**
 * Why a decoded payload breaks the specification for its message type, or null. The codec is lenient
 * (a few stray bytes decode as a timestamp), so what every message must carry is checked here.
 */
export function payloadProblem(type: string, payload: SparkplugPayload): string | null {
  if (type !== 'NDEATH' && type !== 'NCMD' && type !== 'DCMD') {
    const seq = longToNumber(payload.seq);
    if (seq === null || seq < 0 || seq > 255) return `${type} without a sequence number 0-255`;
  }
  if (type.endsWith('BIRTH') || type.endsWith('DATA')) {
    if (longToNumber(payload.timestamp) === null) return `${type} without a timestamp`;
  }
  if (type === 'NBIRTH' && !payload.metrics?.some((m) => m.name === 'bdSeq'))
    return 'NBIRTH without a bdSeq metric';
  return null;
}

export function encodeSparkplug(payload: Parameters<Codec['encodePayload']>[0]): Uint8Array {
  return codec.encodePayload(payload);
}

const signedInts = new Set(['Int8', 'Int16', 'Int32', 'Int64']);
const unsignedInts = new Set(['UInt8', 'UInt16', 'UInt32', 'UInt64']);

/**
 * A metric value as telemetry can carry it, or null (a null metric, or a type telemetry has no room
 * for: DataSet, Template, Bytes, File, PropertySet).
 */
export function metricValue(type: string | undefined, value: unknown): TelemetryValue | null {
  if (value === null || value === undefined) return null;
  if (type === 'Boolean') return typeof value === 'boolean' ? value : null;
  if (type === 'String' || type === 'Text' || type === 'UUID') {
    return typeof value === 'string' ? value.slice(0, MAX_STRING_VALUE_LENGTH) : null;
  }
  if (type === 'Float' || type === 'Double') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return null;
    // A 32-bit float has about 7 significant digits: 0.4, not 0.4000000059604645.
    return type === 'Float' ? Number(value.toPrecision(7)) : value;
  }
  if (type === 'DateTime') return longToNumber(value);
  if (type !== undefined && (signedInts.has(type) || unsignedInts.has(type))) {
    let n = longToNumber(value, signedInts.has(type));
    if (n === null) return null;
    // Int8-Int32 travel as uint32: a raw (untyped) value needs its sign back.
    if (type === 'Int8' && n > 0x7f && n <= 0xffffffff) n = (n << 24) >> 24;
    else if (type === 'Int16' && n > 0x7fff && n <= 0xffffffff) n = (n << 16) >> 16;
    else if (type === 'Int32' && n > 0x7fffffff && n <= 0xffffffff) n |= 0;
    return n;
  }
  return null;
}

/** The Quality property some edge nodes (Ignition, Cirrus Link) set on a metric: OPC DA codes. */
export function metricQuality(metric: SparkplugMetric): Quality {
  const property = metric.properties?.Quality;
  const code = property ? longToNumber(property.value) : null;
  if (code === null) return 'good';
  if (code >= 192) return 'good';
  if (code >= 64) return 'uncertain';
  return 'bad';
}
