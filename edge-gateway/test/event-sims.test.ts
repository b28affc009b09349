// The demo's event simulators (a Sparkplug edge node on its own MQTT broker, an IEC 104 outstation)
// close even while clients are still connected to them: a gateway not stopped yet, or a stray one,
// must not hold up a test's or `npm start`'s shutdown.
import { connect } from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startEventSimulators } from '../sim/event-sims.ts';
import { PlantModel } from '../sim/plant.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close().catch(() => undefined);
});

describe('the event simulators', () => {
  it('close while an MQTT client and an IEC 104 client are connected, cutting them', async () => {
    const sims = await startEventSimulators(new PlantModel(), { brokerPort: 0, iec104Port: 0 });
    closers.push(() => sims.close());
    const client = await mqtt.connectAsync(sims.brokerUrl, { reconnectPeriod: 0 });
    closers.push(() => client.endAsync(true));
    await client.subscribeAsync('spBv1.0/#');
    const rtu = connect(sims.iec104Port, '127.0.0.1');
    closers.push(async () => rtu.destroy());
    await new Promise<void>((resolve, reject) => {
      rtu.once('connect', () => resolve());
      rtu.once('error', reject);
    });
    const mqttClosed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const rtuClosed = new Promise<void>((resolve) => rtu.once('close', () => resolve()));

    const outcome = await Promise.race([
      sims.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still open after 10 s'), 10_000)),
    ]);
    expect(outcome).toBe('closed');
    await mqttClosed;
    await rtuClosed;
    expect(client.connected).toBe(false);
  });
});
