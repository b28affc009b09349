// The ingest benchmark's gateway: a process of its own that publishes telemetry over MQTT/TLS with a
// provisioning bundle's certificate, QoS 1, a window of messages in flight, and reports when the last
// PUBACK came back. Usage: node bench/ingest-publisher.ts <job as JSON>; prints one JSON line.
import mqtt from 'mqtt';
import { z } from 'zod';

const jobSchema = z.object({
  endpoint: z.string(),
  ca: z.string(),
  cert: z.string(),
  key: z.string(),
  clientId: z.string(),
  topic: z.string(),
  gatewayId: z.string(),
  deviceKey: z.string(),
  tagKeys: z.array(z.string()).min(1),
  pointsPerMessage: z.number().int().min(1),
  messages: z.number().int().min(1),
  inFlight: z.number().int().min(1),
  startTs: z.number().int(),
  firstSeq: z.number().int(),
});

const job = jobSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const tags = job.tagKeys.length;
// Built before the clock starts: the gateway has its batch ready when it publishes.
const payloads = Array.from({ length: job.messages }, (_, m) =>
  JSON.stringify({
    v: 1,
    gw: job.gatewayId,
    seq: job.firstSeq + m,
    points: Array.from({ length: job.pointsPerMessage }, (_, p) => {
      const i = m * job.pointsPerMessage + p;
      return {
        d: job.deviceKey,
        t: job.tagKeys[i % tags],
        ts: job.startTs + Math.floor(i / tags),
        v: (i % 97) * 0.5,
        q: 'good',
      };
    }),
  }),
);

const client = await mqtt.connectAsync(job.endpoint, {
  ca: job.ca,
  cert: job.cert,
  key: job.key,
  clientId: job.clientId,
  reconnectPeriod: 0,
});
const began = performance.now();
/** Epoch ms of the first publish: the runtime's process ends the measurement when all is stored. */
const startedAt = performance.timeOrigin + began;
let next = 0;
await Promise.all(
  Array.from({ length: job.inFlight }, async () => {
    while (next < payloads.length) {
      const payload = payloads[next] as string;
      next += 1;
      await client.publishAsync(job.topic, payload, { qos: 1 });
    }
  }),
);
const elapsedMs = performance.now() - began;
await client.endAsync();
process.stdout.write(
  `${JSON.stringify({ elapsedMs, startedAt, messages: job.messages, points: job.messages * job.pointsPerMessage })}\n`,
);
