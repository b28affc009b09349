// The demo plant's devices that send on their own: a Sparkplug B edge node (the second lift station,
// on a small MQTT broker of its own, as a customer's unified namespace would be) and an IEC 104
// outstation (the site's incomer RTU, sending local time), both driven by the same plant model as the
// PLCs. Values go out when they move, so an idle demo sends little.
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { Iec104OutstationSimulator } from './iec104-sim.ts';
import type { PlantModel } from './plant.ts';
import { SparkplugNodeSimulator } from './sparkplug-sim.ts';

export const DEMO_SPARKPLUG = {
  groupId: 'Plantwatch',
  edgeNodeId: 'lift-station-2',
  deviceId: 'pump-3',
} as const;

/** IEC 104 information object addresses of the demo RTU. */
export const demoRtuPoints = {
  /** M_ME_NC_1 with time tag: active power, kW */
  power: 1001,
  /** M_ME_NB_1: busbar voltage, V */
  voltage: 1002,
  /** M_DP_TB_1: incomer breaker (2 closed) */
  breaker: 2001,
} as const;

export interface EventSimulatorOptions {
  host?: string;
  /** Port of the demo MQTT broker the edge node publishes to; 0 picks a free one. */
  brokerPort: number;
  /** Port of the IEC 104 outstation; 0 picks a free one. */
  iec104Port: number;
  /** The RTU's clock zone (its time tags are local time). */
  rtuTimeZone?: string;
  tickMs?: number;
}

export interface EventSimulators {
  brokerUrl: string;
  iec104Port: number;
  sparkplug: SparkplugNodeSimulator;
  rtu: Iec104OutstationSimulator;
  close(): Promise<void>;
}

async function startBroker(
  host: string,
  port: number,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : port,
    // A server closes once its connections have: any client still connected (a gateway not stopped
    // yet, a stray one) is cut, or the close would wait for it for ever.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => aedes.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export async function startEventSimulators(
  plant: PlantModel,
  options: EventSimulatorOptions,
): Promise<EventSimulators> {
  const host = options.host ?? '127.0.0.1';
  const broker = await startBroker(host, options.brokerPort);
  const brokerUrl = `mqtt://${host}:${broker.port}`;
  const s = plant.state;
  const sparkplug = new SparkplugNodeSimulator({
    brokerUrl,
    groupId: DEMO_SPARKPLUG.groupId,
    edgeNodeId: DEMO_SPARKPLUG.edgeNodeId,
    nodeMetrics: [{ name: 'Panel Temperature', type: 'Float', value: 31 }],
    devices: {
      [DEMO_SPARKPLUG.deviceId]: [
        { name: 'Discharge Pressure', type: 'Float', value: 2.1 },
        { name: 'Running', type: 'Boolean', value: s.pumpRun },
      ],
    },
  });
  const rtu = new Iec104OutstationSimulator({
    host,
    port: options.iec104Port,
    timeZone: options.rtuTimeZone ?? 'Europe/London',
    points: [
      { ioa: demoRtuPoints.power, kind: 'float', value: 3, timeTagged: true },
      { ioa: demoRtuPoints.voltage, kind: 'scaled', value: 415 },
      { ioa: demoRtuPoints.breaker, kind: 'double', value: 2, timeTagged: true },
    ],
  });
  try {
    await sparkplug.start();
    await rtu.start();
  } catch (error) {
    await Promise.allSettled([sparkplug.stop(), rtu.stop(), broker.close()]);
    throw error;
  }
  let last = { pressure: 2.1, running: s.pumpRun, power: 3, voltage: 415 };
  const timer = setInterval(() => {
    const pressure = Math.round((s.pumpRun ? 2.1 + s.level * 0.15 : 0.4) * 100) / 100;
    const power = Math.round((3 + s.motorCurrent * 0.7) * 10) / 10;
    const voltage = Math.round(415 + 4 * Math.sin(Date.now() / 60_000));
    try {
      if (Math.abs(pressure - last.pressure) >= 0.05)
        sparkplug.set('Discharge Pressure', pressure, { device: DEMO_SPARKPLUG.deviceId });
      if (s.pumpRun !== last.running)
        sparkplug.set('Running', s.pumpRun, { device: DEMO_SPARKPLUG.deviceId });
      if (Math.abs(power - last.power) >= 0.5) rtu.set(demoRtuPoints.power, power);
      if (voltage !== last.voltage) rtu.set(demoRtuPoints.voltage, voltage);
    } catch {
      // a simulator between connections: the next tick sends the value
    }
    last = { pressure, running: s.pumpRun, power, voltage };
  }, options.tickMs ?? 1000);
  timer.unref();
  return {
    brokerUrl,
    iec104Port: rtu.port,
    sparkplug,
    rtu,
    async close() {
      clearInterval(timer);
      await Promise.allSettled([sparkplug.stop(), rtu.stop()]);
      await broker.close();
    },
  };
}
