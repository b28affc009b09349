import { type ConfigDevice, gatewayConfigSchema, type TelemetryPoint } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { ReportByException } from '../src/rbe.ts';

const devices: ConfigDevice[] = gatewayConfigSchema.parse({
  gateway: { id: 'gw', tenantId: 't', siteId: 's' },
  devices: [
    {
      id: 'plc-1',
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      heartbeatMs: 60_000,
      tags: [
        { id: 'level', area: 'holding', address: 0, type: 'uint16', deadband: 0.05 },
        { id: 'run', area: 'holding', address: 1, type: 'bool' },
      ],
    },
  ],
}).devices;

const t0 = 1_800_000_000_000;
const level = (v: number, ts: number, q: TelemetryPoint['q'] = 'good'): TelemetryPoint => ({
  d: 'plc-1',
  t: 'level',
  ts,
  v,
  q,
});

describe('ReportByException', () => {
  it('sends the first value, then only moves larger than the deadband', () => {
    const rbe = new ReportByException(devices);
    const sent = [1.0, 1.03, 1.06, 1.1].flatMap((v, i) =>
      rbe.filter([level(v, t0 + i * 1000)], t0 + i * 1000),
    );
    expect(sent.map((p) => p.v)).toEqual([1.0, 1.06]);
  });

  it('sends a change of quality even when the value stands still', () => {
    const rbe = new ReportByException(devices);
    rbe.filter([level(1, t0)], t0);
    expect(rbe.filter([level(1, t0 + 1000, 'bad')], t0 + 1000)).toHaveLength(1);
    expect(rbe.filter([level(1, t0 + 2000, 'good')], t0 + 2000)).toHaveLength(1);
  });

  it('sends every change of a bool', () => {
    const rbe = new ReportByException(devices);
    const run = (v: boolean, ts: number): TelemetryPoint => ({ d: 'plc-1', t: 'run', ts, v, q: 'good' });
    const sent = [false, false, true, true, false].flatMap((v, i) => rbe.filter([run(v, t0 + i)], t0 + i));
    expect(sent.map((p) => p.v)).toEqual([false, true, false]);
  });

  it('re-sends the last value after heartbeatMs of silence, stamped with the current time', () => {
    const rbe = new ReportByException(devices);
    rbe.filter([level(2.5, t0)], t0);
    rbe.filter([level(2.51, t0 + 30_000)], t0 + 30_000);
    expect(rbe.heartbeat(t0 + 59_000)).toEqual([]);
    const beat = rbe.heartbeat(t0 + 60_000);
    expect(beat).toEqual([level(2.51, t0 + 60_000)]);
    expect(rbe.heartbeat(t0 + 61_000)).toEqual([]);
  });

  it('keeps the state of unchanged tags across a new config', () => {
    const rbe = new ReportByException(devices);
    rbe.filter([level(1, t0)], t0);
    rbe.configure(devices);
    expect(rbe.filter([level(1.01, t0 + 1000)], t0 + 1000)).toEqual([]);
  });
});
