// The IEC 60870-5-104 driver against the simulators' outstation on 127.0.0.1: interrogation, spontaneous
// data with local-time tags, the w acknowledgement window, bad ASDUs and frames, a silent station (t1),
// a station that goes away and comes back.
import { type Iec104ConfigDevice, iec104ConfigDeviceSchema, type TelemetryPoint } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Iec104OutstationSimulator, type OutstationPoint } from '../sim/iec104-sim.ts';
import { Iec104Driver } from '../src/iec104/driver.ts';
import { silentLogger } from '../src/log.ts';
import { waitFor } from './support/wait.ts';

const points: OutstationPoint[] = [
  { ioa: 1001, kind: 'float', value: 11.25, timeTagged: true },
  { ioa: 1002, kind: 'scaled', value: 1234 },
  { ioa: 1003, kind: 'normalized', value: 0.5 },
  { ioa: 2001, kind: 'single', value: 1, timeTagged: true },
  { ioa: 2002, kind: 'double', value: 1 },
];

async function station(options: { port?: number; timeZone?: string } = {}) {
  const sim = new Iec104OutstationSimulator({ points: points.map((p) => ({ ...p })), ...options });
  await sim.start();
  onTestFinished(() => sim.stop());
  return sim;
}

function device(port: number, extra: Record<string, unknown> = {}): Iec104ConfigDevice {
  return iec104ConfigDeviceSchema.parse({
    id: 'rtu-1',
    protocol: 'iec104',
    host: '127.0.0.1',
    port,
    tags: [
      { id: 'feeder_mw', ioa: 1001, unit: 'MW' },
      { id: 'bus_kv', ioa: 1002, scale: 0.1, unit: 'kV' },
      { id: 'tap', ioa: 1003 },
      { id: 'trip', ioa: 2001 },
      { id: 'breaker', ioa: 2002 },
    ],
    ...extra,
  });
}

function run(config: Iec104ConfigDevice) {
  const received: TelemetryPoint[] = [];
  const driver = new Iec104Driver(config, silentLogger, {
    backoff: { initialMs: 100, maxMs: 500 },
    probeMs: 100,
  });
  onTestFinished(() => driver.stop());
  driver.start((batch) => received.push(...batch));
  return { driver, received };
}

const last = (points: TelemetryPoint[], tag: string) => points.filter((p) => p.t === tag).at(-1);

describe('IEC 104 driver', () => {
  it('interrogates on connect and maps every type, scaled, with its quality', async () => {
    const sim = await station();
    const { driver, received } = run(device(sim.port));
    await waitFor('the interrogation', () => last(received, 'breaker'));
    expect(last(received, 'feeder_mw')).toMatchObject({ d: 'rtu-1', v: 11.25, q: 'good' });
    expect(last(received, 'bus_kv')?.v).toBe(123.4);
    expect(last(received, 'tap')?.v).toBe(0.5);
    expect(last(received, 'trip')?.v).toBe(true);
    expect(last(received, 'breaker')?.v).toBe(false);
    expect(driver.health()).toMatchObject({ connected: true });

    sim.set(1002, 1250, { quality: { substituted: true } });
    sim.set(2002, 3);
    await waitFor(
      'the spontaneous changes',
      () => last(received, 'bus_kv')?.v === 125 && last(received, 'breaker')?.q === 'bad',
    );
    expect(last(received, 'bus_kv')?.q).toBe('uncertain');
  });

  it('keeps the time tags end to end, read in the RTU zone', async () => {
    const sim = await station({ timeZone: 'America/New_York' });
    const { received } = run(device(sim.port, { timeZone: 'America/New_York' }));
    await waitFor('the interrogation', () => last(received, 'breaker'));
    const at = Date.UTC(2026, 2, 10, 17, 45, 12, 345);
    sim.set(1001, 42.5, { at });
    sim.set(2001, 0, { at: at + 1 });
    await waitFor(
      'the time-tagged changes',
      () => last(received, 'feeder_mw')?.v === 42.5 && last(received, 'trip')?.v === false,
    );
    expect(last(received, 'feeder_mw')?.ts).toBe(at);
    expect(last(received, 'trip')?.ts).toBe(at + 1);
  });

  it('acknowledges every w I-frames so a station with k=12 never stalls', async () => {
    const sim = await station();
    const { driver, received } = run(device(sim.port, { k: 12, w: 8 }));
    await waitFor('the interrogation', () => last(received, 'breaker'));
    for (let i = 1; i <= 40; i++) sim.set(1002, i);
    await waitFor('all 40 changes', () => last(received, 'bus_kv')?.v === 4);
    expect(sim.acknowledgements).toBeGreaterThanOrEqual(4);
    expect(driver.health().connected).toBe(true);
  });

  it('counts ASDUs it cannot read and goes on; a frame out of step closes the link, which comes back', async () => {
    const sim = await station();
    const { driver, received } = run(device(sim.port));
    await waitFor('the interrogation', () => last(received, 'breaker'));
    sim.sendAsdu(Buffer.from('0d0203000100014000000000c03f00', 'hex'));
    sim.sendAsdu(Buffer.from('7f0103000100010000', 'hex'));
    await waitFor('two malformed ASDUs', () => (driver.health().malformed?.count ?? 0) >= 2);
    expect(driver.health().malformed?.lastError).toMatch(/type 127 is not one the gateway reads/);
    sim.set(1002, 2000);
    await waitFor('data after them', () => last(received, 'bus_kv')?.v === 200);

    sim.sendRaw(Buffer.from('00112233', 'hex'));
    await waitFor('a second connection', () => sim.connections >= 2, 10_000);
    expect(driver.health().lastError).toMatch(/framing error/);
    await waitFor('a second interrogation', () => sim.interrogations >= 2);
  });

  it('closes the link when t1 passes without a TESTFR con, marks the tags bad, and reconnects', async () => {
    const sim = await station();
    const { driver, received } = run(
      device(sim.port, { t1Ms: 2000, t2Ms: 1000, t3Ms: 1000, interrogationMs: 0 }),
    );
    await waitFor('the interrogation', () => last(received, 'breaker'));
    sim.silent = true;
    await waitFor('bad tags after t3 + t1', () => last(received, 'feeder_mw')?.q === 'bad', 10_000);
    expect(driver.health().lastError).toMatch(/t1 expired: no TESTFR con/);
    sim.silent = false;
    sim.dropConnections();
    await waitFor('good again', () => last(received, 'feeder_mw')?.q === 'good', 10_000);
  });

  it('reconnects with backoff when the station comes back on its port, and interrogates again on schedule', async () => {
    const first = await station();
    const port = first.port;
    const { driver, received } = run(device(port, { interrogationMs: 1000 }));
    await waitFor('a periodic interrogation', () => first.interrogations >= 2, 10_000);
    await first.stop();
    await waitFor('disconnected', () => !driver.health().connected && last(received, 'tap')?.q === 'bad');
    const second = await station({ port });
    await waitFor('interrogated again', () => second.interrogations >= 1, 10_000);
    await waitFor('good again', () => last(received, 'tap')?.q === 'good');
  });

  it('reads once: one interrogation, then the link is closed', async () => {
    const sim = await station();
    const values = await new Iec104Driver(device(sim.port), silentLogger).readOnce();
    expect(values.map((p) => [p.t, p.v]).sort()).toEqual([
      ['breaker', false],
      ['bus_kv', 123.4],
      ['feeder_mw', 11.25],
      ['tap', 0.5],
      ['trip', true],
    ]);
    await expect(new Iec104Driver(device(1), silentLogger).readOnce()).rejects.toThrow(/ECONNREFUSED/);
  });
});
