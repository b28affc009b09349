// The Modbus driver against a real Modbus TCP server (the simulator) on 127.0.0.1.
import { createServer, type Socket } from 'node:net';
import {
  type ModbusConfigDevice,
  modbusTcpConfigDeviceSchema,
  type TelemetryPoint,
} from '@plantwatch/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { ModbusSimulator } from '../sim/modbus-sim.ts';
import { silentLogger } from '../src/log.ts';
import { ModbusDriver } from '../src/modbus/driver.ts';
import { ModbusLine } from '../src/modbus/line.ts';
import { encodeRegisters } from './support/encode.ts';
import { waitFor } from './support/wait.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<ModbusSimulator> {
  const sim = new ModbusSimulator();
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

function driverFor(fields: Record<string, unknown>): ModbusDriver {
  const device: ModbusConfigDevice = modbusTcpConfigDeviceSchema.parse({
    id: 'plc-1',
    protocol: 'modbus-tcp',
    host: '127.0.0.1',
    timeoutMs: 1000,
    ...fields,
  });
  const driver = new ModbusDriver(device, new ModbusLine(device), silentLogger);
  cleanups.push(() => driver.stop());
  return driver;
}

const values = {
  int16: -1234,
  uint16: 54_321,
  int32: -123_456_789,
  uint32: 4_000_000_123,
  float32: 273.1562,
  float64: -12_345.678_901_234_5,
  string: 'WET WELL 1',
} as const;

describe('Modbus driver over TCP', () => {
  for (const [byteOrder, wordOrder] of [
    ['BE', 'BE'],
    ['BE', 'LE'],
    ['LE', 'BE'],
    ['LE', 'LE'],
  ] as const) {
    it(`decodes every data type with bytes ${byteOrder} and words ${wordOrder}`, async () => {
      const sim = await simulator();
      const tags: Record<string, unknown>[] = [];
      let address = 0;
      for (const [type, value] of Object.entries(values)) {
        const words = encodeRegisters(type, value, byteOrder, wordOrder, 6);
        sim.setHolding(address, words);
        tags.push({ id: type, area: 'holding', address, type, ...(type === 'string' ? { length: 6 } : {}) });
        address += words.length + 1;
      }
      sim.setHolding(40, encodeRegisters('uint16', 0b1001, byteOrder, wordOrder));
      sim.input[3] = encodeRegisters('uint16', 777, byteOrder, wordOrder)[0] ?? 0;
      sim.coils[5] = 1;
      sim.discrete[9] = 1;
      tags.push(
        { id: 'bit0', area: 'holding', address: 40, type: 'bool', bit: 0 },
        { id: 'bit1', area: 'holding', address: 40, type: 'bool', bit: 1 },
        { id: 'bit3', area: 'holding', address: 40, type: 'bool', bit: 3 },
        { id: 'input', area: 'input', address: 3, type: 'uint16', scale: 0.1 },
        { id: 'coil', area: 'coil', address: 5, type: 'bool' },
        { id: 'discrete', area: 'discrete', address: 9, type: 'bool' },
        { id: 'discrete_off', area: 'discrete', address: 8, type: 'bool' },
      );
      const driver = driverFor({ port: sim.port, byteOrder, wordOrder, tags });

      const points = await driver.readOnce();

      const byTag = Object.fromEntries(points.map((p) => [p.t, p.v]));
      expect(byTag).toEqual({
        ...values,
        bit0: true,
        bit1: false,
        bit3: true,
        input: 77.7,
        coil: true,
        discrete: true,
        discrete_off: false,
      });
      expect(points.every((p) => p.q === 'good' && p.d === 'plc-1')).toBe(true);
    });
  }

  it('coalesces nearby tags into one request per area (counted at the server)', async () => {
    const sim = await simulator();
    const tags = [
      ...Array.from({ length: 20 }, (_, i) => ({
        id: `h${i}`,
        area: 'holding',
        address: i * 2,
        type: 'uint16',
      })),
      { id: 'f', area: 'holding', address: 41, type: 'float32' },
      ...Array.from({ length: 5 }, (_, i) => ({
        id: `i${i}`,
        area: 'input',
        address: 100 + i,
        type: 'int16',
      })),
      ...Array.from({ length: 16 }, (_, i) => ({ id: `c${i}`, area: 'coil', address: i, type: 'bool' })),
      { id: 'far', area: 'holding', address: 1000, type: 'uint16' },
    ];
    const driver = driverFor({ port: sim.port, tags });

    const points = await driver.readOnce();

    expect(points).toHaveLength(tags.length);
    // holding 0-42 in one, holding 1000 alone, input 100-104, coils 0-15.
    expect(Object.fromEntries(sim.requests)).toEqual({ 1: 1, 3: 2, 4: 1 });
  });

  it('waits interRequestDelayMs between the requests of one poll', async () => {
    const sim = await simulator();
    const tags = [0, 200, 400].map((address) => ({
      id: `t${address}`,
      area: 'holding',
      address,
      type: 'uint16',
    }));
    const driver = driverFor({ port: sim.port, interRequestDelayMs: 150, tags });

    const started = Date.now();
    await driver.readOnce();

    expect(sim.totalRequests).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('keeps the socket after one timeout and reconnects after the second', async () => {
    const connections: Socket[] = [];
    const closed = new Set<Socket>();
    const silent = createServer((socket) => {
      connections.push(socket);
      socket.on('error', () => {});
      socket.on('close', () => closed.add(socket));
      socket.resume(); // read and ignore the requests, so the close is seen
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of connections) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const driver = driverFor({
      port,
      timeoutMs: 300,
      pollMs: 100,
      tags: [{ id: 'level', area: 'holding', address: 0, type: 'uint16' }],
    });

    driver.start(() => {});

    await waitFor('the first timeout', () => driver.health().errorCount >= 1);
    expect(connections).toHaveLength(1);
    expect(closed.size).toBe(0);
    await waitFor('a second connection after two timeouts', () => connections.length >= 2, 5000);
    expect(closed.has(connections[0] as Socket)).toBe(true);
    expect(driver.health()).toMatchObject({ lastSuccessTs: null, lastError: 'no answer within 300 ms' });
  });

  it('marks the tags bad once when the device goes away, and good again when it answers', async () => {
    const sim = await simulator();
    sim.setHolding(0, [150]);
    const points: TelemetryPoint[] = [];
    const driver = driverFor({
      port: sim.port,
      pollMs: 100,
      timeoutMs: 300,
      tags: [{ id: 'level', area: 'holding', address: 0, type: 'uint16', scale: 0.01 }],
    });
    driver.start((batch) => points.push(...batch));
    await waitFor('a good value', () => points.some((p) => p.q === 'good'));

    await sim.stop();
    await waitFor('a bad-quality point', () => points.some((p) => p.q === 'bad'), 5000);
    expect(driver.health()).toMatchObject({ connected: false });
    await sim.start();
    const restarted = Date.now();
    await waitFor('good values again', () => points.at(-1)?.q === 'good' && points.at(-1), 5000);

    expect(Date.now() - restarted).toBeLessThan(3000);
    expect(points.filter((p) => p.q === 'bad')).toEqual([
      { d: 'plc-1', t: 'level', ts: expect.any(Number), v: 1.5, q: 'bad' },
    ]);
    expect(driver.health()).toMatchObject({ connected: true, backoffMs: 0 });
  });
});
