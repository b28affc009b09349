// Detect to notify through the real plant (issue #5's wording: simulator value change → outbox
// message): a Modbus TCP PLC simulator in this process; the edge gateway as a child process,
// installed from its provisioning bundle, polling the PLC every GATEWAY_POLL_MS; the local runtime's
// TLS broker, ingest, the alarm engine, the escalation chain, the outbox. Each trip writes a value
// past the Hi limit into the simulator's holding register and times until the level-one page for
// that alarm is in the outbox (its send time − the register write, both this machine's clock); then
// the value goes back under the limit, the alarm is acknowledged, and the next trip waits until the
// alarm is back to normal and acknowledged, so every trip raises a new alarm.
//
// The figures include the gateway's sampling delay by design: a change waits up to one poll period
// to be read, then up to the disk buffer's 100 ms write interval before it is published. Baseline,
// same run: detect-to-notify's MQTT-only trips (a value published straight to the broker with the
// gateway's certificate), so the ratio is what the PLC, the poll and the gateway cost on top.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModbusSimulator } from '@plantwatch/edge-gateway/sim';
import { z } from 'zod';
import { gatewayProcesses, installGateway } from '../../infra/local/src/testing/gateway.ts';
import { type Benchmark, type BenchResult, progress, round, withBaseline } from '../harness.ts';
import { measured as measuredOverMqtt, percentile, startNotifyPlant } from './detect-to-notify.ts';

const settings = {
  trips: 120,
  /** Fewer trips than this when time runs out fails the benchmark. */
  minTrips: 100,
  /** The gateway's Modbus poll period: the largest single term in the figure. */
  gatewayPollMs: 100,
  /** From the first register write until the gateway is publishing. */
  startTimeoutMs: 60_000,
  tripTimeoutMs: 10_000,
  /** Trips stop here (the start-up is not counted). */
  totalTimeoutMs: 300_000,
  probeMs: 5,
  threshold: 5,
};

const alarmsSchema = z.object({ alarms: z.array(z.object({ ruleId: z.string() })) });
const latestSchema = z.object({ values: z.array(z.object({ tagKey: z.string(), value: z.unknown() })) });

interface PlantMeasurement {
  changeToNotifyMs: number[];
}

async function measure(): Promise<PlantMeasurement> {
  const dir = await mkdtemp(join(tmpdir(), 'plantwatch-bench-plant-'));
  const plc = new ModbusSimulator({ port: 0 });
  const gateways = gatewayProcesses();
  try {
    await plc.start();
    const plant = await startNotifyPlant(settings.threshold, {
      protocol: 'modbus-tcp',
      host: '127.0.0.1',
      port: plc.port,
      pollMs: settings.gatewayPollMs,
    });
    try {
      const { api, newestMessage } = plant;
      const normal = settings.threshold - 1;
      plc.setHolding(0, [normal, 0]);
      gateways.start('gateway', await installGateway(plant.bundle, dir, 'gateway'));
      await gateways.until(
        'the gateway publishing the first level',
        async () => {
          const latest = latestSchema.parse(
            await api('GET', `/v1/telemetry/latest?deviceId=${plant.deviceId}`),
          );
          return latest.values.some((v) => v.tagKey === 'level' && v.value === normal) || undefined;
        },
        settings.startTimeoutMs,
      );

      const measurement: PlantMeasurement = { changeToNotifyMs: [] };
      const began = performance.now();
      for (let trip = 0; trip < settings.trips; trip += 1) {
        if (performance.now() - began > settings.totalTimeoutMs) break;
        const before = (await newestMessage())?.id ?? null;
        const changedAt = Date.now();
        plc.setHolding(0, [settings.threshold + 1]);
        const sentAt = await gateways.until(
          `trip ${trip}: the page in the outbox`,
          async () => {
            const newest = await newestMessage();
            return newest && newest.id !== before ? Date.parse(newest.sentAt ?? newest.createdAt) : undefined;
          },
          settings.tripTimeoutMs,
          settings.probeMs,
        );
        measurement.changeToNotifyMs.push(Math.max(0, sentAt - changedAt));
        // back under the limit and acknowledged; the next trip starts once the alarm has cleared
        plc.setHolding(0, [normal]);
        await api('POST', `/v1/alarms/${plant.ruleId}/acknowledge`, {});
        await gateways.until(
          `trip ${trip}: the alarm back to normal`,
          async () => {
            const current = alarmsSchema.parse(await api('GET', '/v1/alarms'));
            return current.alarms.some((a) => a.ruleId === plant.ruleId) ? undefined : true;
          },
          settings.tripTimeoutMs,
          20,
        );
      }
      if (measurement.changeToNotifyMs.length < settings.minTrips)
        throw new Error(
          `only ${measurement.changeToNotifyMs.length} trips in ${settings.totalTimeoutMs} ms (at least ${settings.minTrips} needed)`,
        );
      return measurement;
    } finally {
      await gateways.stopAll(5_000);
      await plant.close();
    }
  } finally {
    await plc.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

let measurement: Promise<PlantMeasurement> | null = null;
const measured = (): Promise<PlantMeasurement> => {
  measurement ??= (async () => {
    await measuredOverMqtt(); // the baseline first: the two never run at the same time
    const started = performance.now();
    const m = await measure();
    const seconds = round((performance.now() - started) / 1000, 1);
    const [p50, p99] = [percentile(m.changeToNotifyMs, 50), percentile(m.changeToNotifyMs, 99)];
    progress(
      `  ${m.changeToNotifyMs.length} trips in ${seconds} s with start-up, gateway polling every ${settings.gatewayPollMs} ms`,
    );
    progress(`  PLC register change → outbox message  p50 ${round(p50, 1)} ms   p99 ${round(p99, 1)} ms`);
    return m;
  })();
  return measurement;
};

async function result(p: number): Promise<BenchResult> {
  const [plant, mqttOnly] = [await measured(), await measuredOverMqtt()];
  return withBaseline(
    round(percentile(plant.changeToNotifyMs, p), 1),
    'ms',
    Math.max(0.1, round(percentile(mqttOnly.detectToNotifyMs, p), 1)),
  );
}

export const detectToNotifyPlant: Benchmark = {
  name: 'detect-to-notify-plant',
  description: `p99 ms from a PLC simulator register crossing Hi, through a gateway process polling every ${settings.gatewayPollMs} ms, to its page in the outbox (${settings.trips} trips), against detect-to-notify (MQTT only)`,
  run: () => result(99),
};

export const detectToNotifyPlantP50: Benchmark = {
  name: 'detect-to-notify-plant-p50',
  description: 'the same trips as detect-to-notify-plant, their median, against the MQTT-only median',
  run: () => result(50),
};
