// The Sparkplug host state of one edge node, fed encoded payloads (no broker): sequence, bdSeq,
// aliases, untyped DATA metrics, the Quality property, topics.
import { sparkplugConfigDeviceSchema } from '@plantwatch/shared';
import proto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { describe, expect, it } from 'vitest';
import {
  nodeTopics,
  parseTopic,
  SparkplugNodeState,
  type SparkplugTopic,
} from '../src/sparkplug/node-state.ts';
import { decodeSparkplug, encodeSparkplug, metricValue, payloadProblem } from '../src/sparkplug/payload.ts';

const device = sparkplugConfigDeviceSchema.parse({
  id: 'uns-1',
  protocol: 'sparkplug',
  brokerUrl: 'mqtt://127.0.0.1:1883',
  groupId: 'G',
  edgeNodeId: 'N',
  tags: [
    { id: 'temp', metric: 'Temp' },
    { id: 'offset', metric: 'Offset' },
    { id: 'flow', metric: 'Flow', sparkplugDevice: 'meter' },
  ],
});
const T = Date.UTC(2026, 0, 1);
const topic = (type: SparkplugTopic['type'], deviceId?: string): SparkplugTopic => ({
  type,
  groupId: 'G',
  edgeNodeId: 'N',
  ...(deviceId ? { deviceId } : {}),
});
const msg = (payload: Parameters<typeof encodeSparkplug>[0]) => decodeSparkplug(encodeSparkplug(payload));

function born(state = new SparkplugNodeState(device), bdSeq = 0) {
  state.handle(
    topic('NBIRTH'),
    msg({
      timestamp: T,
      seq: 0,
      metrics: [
        { name: 'bdSeq', type: 'UInt64', value: bdSeq },
        { name: 'Temp', alias: 1, type: 'Float', value: 20 },
        { name: 'Offset', alias: 2, type: 'Int16', value: -4 },
      ],
    }),
    T,
  );
  return state;
}

describe('Sparkplug node state', () => {
  it('maps data by alias, asks for a rebirth on a sequence gap and on an unknown alias', () => {
    const state = born();
    const ok = state.handle(
      topic('NDATA'),
      msg({ timestamp: T, seq: 1, metrics: [{ alias: 1, type: 'Float', value: 21 }] }),
      T,
    );
    expect(ok).toEqual({ points: [{ d: 'uns-1', t: 'temp', ts: T, v: 21, q: 'good' }] });
    const gap = state.handle(
      topic('NDATA'),
      msg({ timestamp: T, seq: 5, metrics: [{ alias: 1, type: 'Float', value: 22 }] }),
      T,
    );
    expect(gap.rebirth).toBe('sequence 5 where 2 was due');
    expect(gap.points[0]?.v).toBe(22);
    const unknown = state.handle(
      topic('NDATA'),
      msg({ timestamp: T, seq: 6, metrics: [{ alias: 77, type: 'Float', value: 1 }] }),
      T,
    );
    expect(unknown).toEqual({ points: [], rebirth: 'unknown alias 77' });
  });

  it('types a DATA metric that leaves its datatype out from the birth, signed values included', () => {
    const state = born();
    const Payload = proto.org.eclipse.tahu.protobuf.Payload;
    // Int16 -3 travels as the uint32 65533 in int_value, without a datatype.
    const bytes = Payload.encode(
      Payload.create({ timestamp: T, seq: 1, metrics: [{ alias: 2, intValue: 0xfffffffd }] }),
    ).finish();
    const outcome = state.handle(topic('NDATA'), decodeSparkplug(bytes), T);
    expect(outcome.points).toEqual([{ d: 'uns-1', t: 'offset', ts: T, v: -3, q: 'good' }]);
  });

  it('ignores the late Last Will of an earlier session, and makes every tag bad on its own NDEATH', () => {
    const state = born(undefined, 7);
    const stale = state.handle(
      topic('NDEATH'),
      msg({ metrics: [{ name: 'bdSeq', type: 'UInt64', value: 6 }] }),
      T + 1,
    );
    expect(stale.points).toEqual([]);
    expect(state.online).toBe(true);
    const death = state.handle(
      topic('NDEATH'),
      msg({ metrics: [{ name: 'bdSeq', type: 'UInt64', value: 7 }] }),
      T + 2,
    );
    expect(death.event).toBe('node-dead');
    expect(death.points).toEqual([
      { d: 'uns-1', t: 'temp', ts: T + 2, v: 20, q: 'bad' },
      { d: 'uns-1', t: 'offset', ts: T + 2, v: -4, q: 'bad' },
    ]);
    const after = state.handle(
      topic('NDATA'),
      msg({ timestamp: T, seq: 1, metrics: [{ alias: 1, type: 'Float', value: 1 }] }),
      T,
    );
    expect(after.rebirth).toBe("NDATA before the node's NBIRTH");
  });

  it('reads the OPC-style Quality property and a null metric as bad with the last value', () => {
    const state = born();
    const uncertain = state.handle(
      topic('NDATA'),
      msg({
        timestamp: T,
        seq: 1,
        metrics: [
          { alias: 1, type: 'Float', value: 19, properties: { Quality: { type: 'Int32', value: 68 } } },
        ],
      }),
      T,
    );
    expect(uncertain.points[0]?.q).toBe('uncertain');
    const nothing = state.handle(
      topic('NDATA'),
      msg({ timestamp: T, seq: 2, metrics: [{ alias: 1, type: 'Float', value: null, isNull: true }] }),
      T,
    );
    expect(nothing.points).toEqual([{ d: 'uns-1', t: 'temp', ts: T, v: 20, q: 'bad' }]);
  });

  it('wants DDATA only from a device that has sent its DBIRTH', () => {
    const state = born();
    const early = state.handle(
      topic('DDATA', 'meter'),
      msg({ timestamp: T, seq: 1, metrics: [{ name: 'Flow', type: 'Double', value: 3 }] }),
      T,
    );
    expect(early.rebirth).toBe('DDATA from device meter before its DBIRTH');
    state.handle(
      topic('DBIRTH', 'meter'),
      msg({ timestamp: T, seq: 2, metrics: [{ name: 'Flow', alias: 10, type: 'Double', value: 4 }] }),
      T,
    );
    const data = state.handle(
      topic('DDATA', 'meter'),
      msg({ timestamp: T, seq: 3, metrics: [{ alias: 10, type: 'Double', value: 5 }] }),
      T,
    );
    expect(data.points).toEqual([{ d: 'uns-1', t: 'flow', ts: T, v: 5, q: 'good' }]);
    expect(state.discovered().get('meter')).toEqual([{ name: 'Flow', type: 'Double', value: 4 }]);
  });

  it('parses only Sparkplug B topics and subscribes to one node', () => {
    expect(parseTopic('spBv1.0/G/DDATA/N/meter')).toEqual({
      type: 'DDATA',
      groupId: 'G',
      edgeNodeId: 'N',
      deviceId: 'meter',
    });
    expect(parseTopic('spBv1.0/G/NDATA/N/meter')).toBeNull();
    expect(parseTopic('spBv1.0/G/DDATA/N')).toBeNull();
    expect(parseTopic('spAv1.0/G/NDATA/N')).toBeNull();
    expect(parseTopic('spBv1.0/STATE/host')).toBeNull();
    expect(nodeTopics('G', 'N')).toContain('spBv1.0/G/DBIRTH/N/+');
  });

  it('refuses payloads missing what their type requires, and values telemetry cannot carry', () => {
    expect(payloadProblem('NDATA', msg({ timestamp: T, metrics: [] }))).toBe(
      'NDATA without a sequence number 0-255',
    );
    expect(payloadProblem('NBIRTH', msg({ timestamp: T, seq: 0, metrics: [] }))).toBe(
      'NBIRTH without a bdSeq metric',
    );
    expect(
      payloadProblem('NDEATH', msg({ metrics: [{ name: 'bdSeq', type: 'UInt64', value: 1 }] })),
    ).toBeNull();
    expect(metricValue('Double', Number.NaN)).toBeNull();
    expect(metricValue('DataSet', { rows: [] })).toBeNull();
    expect(metricValue('Int64', { low: -5, high: -1 })).toBe(-5);
    expect(metricValue('Float', Math.fround(0.4))).toBe(0.4);
  });
});
