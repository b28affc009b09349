// Connection settings of the device kinds that arrived after Modbus and OPC UA (issue 18): a Sparkplug B
// edge node on an MQTT broker, an IEC 60870-5-104 outstation (RTU), a folder of CSV files a data
// logger drops, and a device that pushes over HTTPS. device.ts puts them in the device connection
// union; provisioning.ts the first three in the gateway's (an HTTP push device has no gateway part).
import { z } from 'zod';
import { timeZoneSchema } from './ids.ts';

/** A Sparkplug id (group, edge node, device): no MQTT separators or wildcards. */
const sparkplugIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[^/+#\s]+$/, 'must not contain "/", "+", "#" or spaces');

const filePath = z.string().min(1, 'must be a file path on the gateway host');

/**
 * One Sparkplug B edge node on the customer's broker: its node metrics and those of its devices.
 * Secrets stay on the gateway host (files named here), never in the plant model or a config push.
 */
export const sparkplugConnectionSchema = z.strictObject({
  protocol: z.literal('sparkplug'),
  brokerUrl: z
    .string()
    .regex(/^mqtts?:\/\/[^\s/]+$/, 'must be an mqtt:// or mqtts:// URL such as mqtts://broker:8883'),
  groupId: sparkplugIdSchema,
  edgeNodeId: sparkplugIdSchema,
  username: z.string().min(1, 'must not be empty').max(256).optional(),
  /** File holding the broker password (first line); read at connect. */
  passwordFile: filePath.optional(),
  /** PEM files for TLS: the broker's CA, and a client certificate and key when it wants one. */
  caFile: filePath.optional(),
  certFile: filePath.optional(),
  keyFile: filePath.optional(),
  /** Rebirth requests (NCMD Node Control/Rebirth) at most this often per node. */
  rebirthMinIntervalMs: z.number().int().min(1000).max(600_000).default(5000),
  /** Send NCMD rebirth requests at all (some brokers' ACLs refuse this client publishing). */
  requestRebirth: z.boolean().default(true),
});

/**
 * An IEC 60870-5-104 outstation. Timers and windows default to the standard's values (t0 30 s,
 * t1 15 s, t2 10 s, t3 20 s, k 12, w 8).
 */
export const iec104ConnectionSchema = z
  .strictObject({
    protocol: z.literal('iec104'),
    host: z.string().min(1, 'must not be empty').max(253, 'must be a host name or IP address'),
    port: z.number().int().min(1, 'must be 1-65535').max(65_535, 'must be 1-65535').default(2404),
    /** The station's common address of ASDU (1-65534; 65535 is the broadcast address). */
    commonAddress: z.number().int().min(1, 'must be 1-65534').max(65_534, 'must be 1-65534').default(1),
    originatorAddress: z.number().int().min(0, 'must be 0-255').max(255, 'must be 0-255').default(0),
    t0Ms: z.number().int().min(1000).max(255_000).default(30_000),
    t1Ms: z.number().int().min(1000).max(255_000).default(15_000),
    t2Ms: z.number().int().min(1000).max(255_000).default(10_000),
    t3Ms: z.number().int().min(1000).max(172_800_000).default(20_000),
    k: z.number().int().min(1, 'must be 1-32767').max(32_767, 'must be 1-32767').default(12),
    w: z.number().int().min(1, 'must be 1-32767').max(32_767, 'must be 1-32767').default(8),
    /** A general interrogation after STARTDT, then this often; 0: only after each connect. */
    interrogationMs: z.number().int().min(0).max(86_400_000).default(900_000),
    /** The zone of the RTU's clock: CP56Time2a carries no zone, many RTUs send local time. */
    timeZone: timeZoneSchema.default('UTC'),
  })
  .refine((c) => c.t2Ms < c.t1Ms, { path: ['t2Ms'], message: 't2 must be shorter than t1' })
  .refine((c) => c.w <= Math.max(1, Math.floor((c.k * 2) / 3)), {
    path: ['w'],
    message: 'w must be at most two thirds of k (the standard recommends it)',
  });

const columnSchema = z.string().min(1, 'must name a column').max(200, 'must be at most 200 characters');

/** Time formats a CSV column can hold; patterns use YYYY MM DD HH mm ss SSS. */
export const csvTimeFormatSchema = z.union(
  [
    z.literal('iso'),
    z.literal('epoch-ms'),
    z.literal('epoch-s'),
    z
      .string()
      .regex(
        /^(?=.*YYYY)(?=.*MM)(?=.*DD)(?=.*HH)(?=.*mm)[YMDHms\sS/.:T_-]+$/,
        'a pattern needs YYYY, MM, DD, HH and mm (ss and SSS optional), such as "DD/MM/YYYY HH:mm:ss"',
      ),
  ],
  { error: 'must be "iso", "epoch-ms", "epoch-s" or a pattern such as "YYYY-MM-DD HH:mm:ss"' },
);

/** A folder a data logger drops CSV files into: each file is ingested once, then moved aside. */
export const csvFolderConnectionSchema = z.strictObject({
  protocol: z.literal('csv-folder'),
  folder: z.string().min(1, 'must be a folder path on the gateway host'),
  /** File names to take, a simple glob over the name: "*" any characters, "?" one. */
  pattern: z.string().min(1).max(200).default('*.csv'),
  delimiter: z.enum([',', ';', '\t', '|']).default(','),
  /** The decimal separator of numbers (many European loggers write "12,5" with ";" between fields). */
  decimal: z.enum(['.', ',']).default('.'),
  timeColumn: columnSchema,
  timeFormat: csvTimeFormatSchema.default('iso'),
  /** The zone of times that carry none ("iso" with an offset or Z, and epochs, ignore it). */
  timeZone: timeZoneSchema.default('UTC'),
  /** A file is complete once its size and time have not changed for this long. */
  settleMs: z.number().int().min(100).max(600_000).default(2000),
  /** Also scan the folder this often (network shares do not report changes). */
  scanMs: z.number().int().min(200).max(3_600_000).default(5000),
  /** Done files are deleted after this many days; 0 keeps them. */
  keepDoneDays: z.number().int().min(0).max(3650).default(30),
});

/**
 * A small device (an ESP32, a logger with a modem) that pushes readings over HTTPS itself
 * (POST /v1/ingest/http with a device key): no gateway polls it, so nothing of it goes to the gateway.
 */
export const httpPushConnectionSchema = z.strictObject({ protocol: z.literal('http-push') });

export type SparkplugConnection = z.infer<typeof sparkplugConnectionSchema>;
export type Iec104Connection = z.infer<typeof iec104ConnectionSchema>;
export type CsvFolderConnection = z.infer<typeof csvFolderConnectionSchema>;
