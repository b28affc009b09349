// The edge gateway's configuration (the JSON file; the retained cmd/.../config message is in
// gateway-config.ts) and the provisioning bundle the cloud hands out to install a gateway. Field
// names follow the device and tag settings in device.ts and tag.ts, so a device row and its tags map
// 1:1 onto a config entry.
import { z } from 'zod';
import { modbusRtuConnectionSchema, modbusTcpConnectionSchema, opcuaConnectionSchema } from './device.ts';
import {
  csvFolderConnectionSchema,
  iec104ConnectionSchema,
  sparkplugConnectionSchema,
} from './device-kinds.ts';
import { keySchema } from './ids.ts';
import {
  csvTagAddressSchema,
  iec104TagAddressSchema,
  modbusTagAddressSchema,
  opcuaTagAddressSchema,
  sparkplugTagAddressSchema,
} from './tag.ts';
import { telemetryTopic, topicIdSchema } from './topics.ts';

const finite = (what: string) => z.number({ message: `${what} must be a finite number` });

const heartbeatMsSchema = z
  .number()
  .int()
  .min(1000, 'must be at least 1000 ms')
  .max(86_400_000, 'must be at most a day');

/** What every tag carries besides its address: engineering value = raw * scale + offset. */
const tagValueFields = {
  id: keySchema,
  scale: finite('scale')
    .refine((s) => s !== 0, 'scale must not be 0')
    .default(1),
  offset: finite('offset').default(0),
  unit: z.string().max(32, 'must be at most 32 characters').default(''),
  /** Report by exception: a numeric value is sent when it moves by more than this. */
  deadband: finite('deadband').min(0, 'deadband must not be negative').default(0),
};

const { kind: _modbusKind, ...modbusAddressShape } = modbusTagAddressSchema.shape;

/** A Modbus tag in the config file: the address fields of tag.ts, flat, next to id and scaling. */
export const modbusConfigTagSchema = z
  .strictObject({ ...tagValueFields, ...modbusAddressShape })
  .superRefine((tag, ctx) => {
    // The address rules live once, in tag.ts; run them and report their issues on this object.
    const address = modbusTagAddressSchema.safeParse({
      kind: 'modbus',
      area: tag.area,
      address: tag.address,
      type: tag.type,
      bit: tag.bit,
      length: tag.length,
    });
    if (!address.success) {
      for (const issue of address.error.issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }
  });
export type ModbusConfigTag = z.infer<typeof modbusConfigTagSchema>;

export const opcuaConfigTagSchema = z.strictObject({
  ...tagValueFields,
  nodeId: opcuaTagAddressSchema.shape.nodeId,
});
export type OpcuaConfigTag = z.infer<typeof opcuaConfigTagSchema>;

function uniqueTagIds(tags: readonly { id: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  tags.forEach((tag, index) => {
    if (seen.has(tag.id)) {
      ctx.addIssue({ code: 'custom', path: ['tags', index, 'id'], message: `duplicate tag id "${tag.id}"` });
    }
    seen.add(tag.id);
  });
}

const deviceFields = {
  id: keySchema,
  /** A disabled device stays in the config but is not polled. */
  enabled: z.boolean().default(true),
  /** The last value of every tag is re-sent this often even when it does not move, so flat lines are not gaps. */
  heartbeatMs: heartbeatMsSchema.default(60_000),
};

export const modbusTcpConfigDeviceSchema = modbusTcpConnectionSchema
  .extend({ ...deviceFields, tags: z.array(modbusConfigTagSchema).min(1, 'a device needs at least one tag') })
  .superRefine((device, ctx) => uniqueTagIds(device.tags, ctx));

export const modbusRtuConfigDeviceSchema = modbusRtuConnectionSchema
  .extend({ ...deviceFields, tags: z.array(modbusConfigTagSchema).min(1, 'a device needs at least one tag') })
  .superRefine((device, ctx) => uniqueTagIds(device.tags, ctx));

export const opcuaConfigDeviceSchema = opcuaConnectionSchema
  .safeExtend({
    ...deviceFields,
    /**
     * Folder of the client's certificate store (own certificate, trusted/ and rejected/ server
     * certificates). Sign and SignAndEncrypt only talk to servers whose certificate is in trusted/.
     */
    pkiDir: z.string().min(1, 'must not be empty').optional(),
    tags: z.array(opcuaConfigTagSchema).min(1, 'a device needs at least one tag'),
  })
  .superRefine((device, ctx) => uniqueTagIds(device.tags, ctx));

const { kind: _sparkplugKind, ...sparkplugAddressShape } = sparkplugTagAddressSchema.shape;
export const sparkplugConfigTagSchema = z.strictObject({ ...tagValueFields, ...sparkplugAddressShape });
export type SparkplugConfigTag = z.infer<typeof sparkplugConfigTagSchema>;

export const iec104ConfigTagSchema = z.strictObject({
  ...tagValueFields,
  ioa: iec104TagAddressSchema.shape.ioa,
});
export type Iec104ConfigTag = z.infer<typeof iec104ConfigTagSchema>;

export const csvConfigTagSchema = z.strictObject({
  ...tagValueFields,
  column: csvTagAddressSchema.shape.column,
});
export type CsvConfigTag = z.infer<typeof csvConfigTagSchema>;

/** Two tags of one device must not read the same metric, information object or column. */
function uniqueAddresses(tags: readonly object[], addressOf: (tag: never) => string, ctx: z.RefinementCtx) {
  const seen = new Map<string, number>();
  tags.forEach((tag, index) => {
    const address = addressOf(tag as never);
    const first = seen.get(address);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tags', index],
        message: `reads the same source as tags[${first}]`,
      });
    } else seen.set(address, index);
  });
}

export const sparkplugConfigDeviceSchema = sparkplugConnectionSchema
  .extend({
    ...deviceFields,
    tags: z.array(sparkplugConfigTagSchema).min(1, 'a device needs at least one tag'),
  })
  .superRefine((device, ctx) => {
    uniqueTagIds(device.tags, ctx);
    uniqueAddresses(device.tags, (t: SparkplugConfigTag) => `${t.sparkplugDevice ?? ''}/${t.metric}`, ctx);
    if ((device.certFile === undefined) !== (device.keyFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['keyFile'], message: 'certFile and keyFile go together' });
    }
  });

export const iec104ConfigDeviceSchema = iec104ConnectionSchema
  .safeExtend({
    ...deviceFields,
    tags: z.array(iec104ConfigTagSchema).min(1, 'a device needs at least one tag'),
  })
  .superRefine((device, ctx) => {
    uniqueTagIds(device.tags, ctx);
    uniqueAddresses(device.tags, (t: Iec104ConfigTag) => String(t.ioa), ctx);
  });

export const csvFolderConfigDeviceSchema = csvFolderConnectionSchema
  .extend({ ...deviceFields, tags: z.array(csvConfigTagSchema).min(1, 'a device needs at least one tag') })
  .superRefine((device, ctx) => {
    uniqueTagIds(device.tags, ctx);
    device.tags.forEach((tag, index) => {
      if (tag.column === device.timeColumn) {
        ctx.addIssue({ code: 'custom', path: ['tags', index, 'column'], message: 'is the time column' });
      }
    });
  });

export const configDeviceSchema = z.discriminatedUnion('protocol', [
  modbusTcpConfigDeviceSchema,
  modbusRtuConfigDeviceSchema,
  opcuaConfigDeviceSchema,
  sparkplugConfigDeviceSchema,
  iec104ConfigDeviceSchema,
  csvFolderConfigDeviceSchema,
]);
export type ConfigDevice = z.infer<typeof configDeviceSchema>;
export type ModbusTcpConfigDevice = z.infer<typeof modbusTcpConfigDeviceSchema>;
export type ModbusRtuConfigDevice = z.infer<typeof modbusRtuConfigDeviceSchema>;
export type ModbusConfigDevice = ModbusTcpConfigDevice | ModbusRtuConfigDevice;
export type OpcuaConfigDevice = z.infer<typeof opcuaConfigDeviceSchema>;
export type SparkplugConfigDevice = z.infer<typeof sparkplugConfigDeviceSchema>;
export type Iec104ConfigDevice = z.infer<typeof iec104ConfigDeviceSchema>;
export type CsvFolderConfigDevice = z.infer<typeof csvFolderConfigDeviceSchema>;

/** A gateway's devices: unique ids, each device valid (also what a config push carries). */
export const configDevicesSchema = z.array(configDeviceSchema).superRefine((devices, ctx) => {
  const seen = new Set<string>();
  devices.forEach((device, index) => {
    if (seen.has(device.id)) {
      ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate device id "${device.id}"` });
    }
    seen.add(device.id);
  });
});

export const gatewayIdentitySchema = z.strictObject({
  id: topicIdSchema,
  tenantId: topicIdSchema,
  siteId: topicIdSchema,
});

export const mqttSettingsSchema = z.strictObject({
  url: z
    .string()
    .regex(/^mqtts?:\/\/[^\s/]+(\/.*)?$/, 'must be an mqtt:// or mqtts:// URL such as mqtts://broker:8883'),
  /** PEM files; relative paths are relative to the config file. Required together for mutual TLS. */
  ca: z.string().min(1, 'must be a file path').optional(),
  cert: z.string().min(1, 'must be a file path').optional(),
  key: z.string().min(1, 'must be a file path').optional(),
  /** AWS IoT Core allows 100 publishes/s per connection; stay well under it. */
  maxPublishesPerSecond: z.number().int().min(1).max(100).default(50),
  /** A PINGREQ after this long without a packet from the broker; no answer within half as long again: dead. */
  keepaliveSeconds: z.number().int().min(2).max(1200).default(8),
  /** A publish the broker has not acknowledged in this long means the connection is dead (e.g. a frozen broker). */
  publishTimeoutSeconds: z.number().int().min(1).max(600).default(10),
  /** Reconnection to the broker backs off from 1 s up to this, with jitter. */
  reconnectMaxSeconds: z.number().int().min(1).max(600).default(10),
  /**
   * Every device's changes go out together, in one publish at most this often (a full batch goes at
   * once, a backlog at the publish rate): fewer, fuller messages, and no change waits longer than
   * this. 0 publishes as soon as points reach the disk buffer (every 100 ms).
   */
  publishIntervalMs: z.number().int().min(0).max(60_000).default(1000),
  /**
   * The topic telemetry is published on: `dt/{tenantId}/{siteId}/{gatewayId}/telemetry` (the default),
   * or the same behind AWS IoT Core's Basic Ingest prefix `$aws/rules/{ruleName}/`, which hands it
   * straight to the rule without the message broker's per-message charge.
   */
  telemetryTopic: z.string().min(1).max(256).optional(),
  /**
   * The retained status (buffer, counters, every device's health) is published this often, and at
   * once whenever a device connects or drops, a config is applied or refused. On AWS each one is a
   * message through the broker and the rule, so provisioning there asks for 60 s.
   */
  statusIntervalSeconds: z.number().int().min(1).max(3600).default(10),
});
export type MqttSettings = z.infer<typeof mqttSettingsSchema>;

/** `$aws/rules/{ruleName}/`: AWS IoT rule names are letters, digits and underscores. */
const BASIC_INGEST_PREFIX = /^\$aws\/rules\/[A-Za-z0-9_]{1,128}\/$/;

/**
 * Why `topic` cannot carry this gateway's telemetry, or null when it can: its own
 * `dt/{tenantId}/{siteId}/{gatewayId}/telemetry`, alone or behind a Basic Ingest prefix.
 */
export function telemetryTopicProblem(
  topic: string,
  gateway: { id: string; tenantId: string; siteId: string },
): string | null {
  const own = telemetryTopic({ tenantId: gateway.tenantId, siteId: gateway.siteId, gatewayId: gateway.id });
  if (topic === own) return null;
  const prefix = topic.endsWith(own) ? topic.slice(0, topic.length - own.length) : null;
  if (prefix !== null && BASIC_INGEST_PREFIX.test(prefix)) return null;
  return `must be ${own}, or that behind a Basic Ingest prefix ($aws/rules/<rule name>/${own})`;
}

/** The config's telemetry topic, when it sets one, must be the gateway's own. */
function checkTelemetryTopic(
  config: { gateway: { id: string; tenantId: string; siteId: string }; mqtt?: { telemetryTopic?: string } },
  ctx: z.RefinementCtx,
): void {
  const topic = config.mqtt?.telemetryTopic;
  const problem = topic === undefined ? null : telemetryTopicProblem(topic, config.gateway);
  if (problem) ctx.addIssue({ code: 'custom', path: ['mqtt', 'telemetryTopic'], message: problem });
}

export const bufferSettingsSchema = z.strictObject({
  dir: z.string().min(1, 'must be a folder path').default('./buffer'),
  maxBytes: z
    .number()
    .int()
    .min(16_384, 'must be at least 16384 bytes')
    .default(1024 * 1024 * 1024),
  /** drop-oldest keeps the newest data; reject-new keeps the oldest. Either way dropped points are counted in status. */
  whenFull: z.enum(['drop-oldest', 'reject-new']).default('drop-oldest'),
});
export type BufferSettings = z.infer<typeof bufferSettingsSchema>;

/**
 * Driver threads. `shared` (the default): one worker thread runs every device whatever its protocol,
 * each device in its own polling loop; a worker that crashes or hangs is split in two, and again, until
 * the device at fault runs alone. `protocol`: the same, starting from one worker per protocol family
 * (Modbus and its kin, OPC UA): ~30 MB more where both are used, and loading the OPC UA library at a
 * worker's start no longer holds up the Modbus polls (ADR 0057). `device`: one worker per device (or
 * serial line) from the start. Either way at most `maxWorkers` threads (a worker thread costs ~30 MB
 * and ~150 ms to start).
 */
export const workerSettingsSchema = z.strictObject({
  isolation: z.enum(['shared', 'protocol', 'device']).default('shared'),
  maxWorkers: z.number().int().min(1).max(256).default(16),
  /** A worker that reports nothing for this long is hung, and is replaced. */
  hangTimeoutMs: z.number().int().min(2000).max(600_000).default(15_000),
});
export type WorkerSettings = z.infer<typeof workerSettingsSchema>;

/**
 * Reconnecting to a PLC that stopped answering: delays from initialMs doubling up to maxMs, with
 * jitter; while its TCP port does not accept connections, a bare TCP connect every probeMs notices it
 * coming back, and the gateway reconnects at once.
 */
export const reconnectSettingsSchema = z
  .strictObject({
    initialMs: z.number().int().min(100).max(60_000).default(1000),
    maxMs: z.number().int().min(1000).max(600_000).default(10_000),
    probeMs: z.number().int().min(100).max(60_000).default(1000),
  })
  .refine((r) => r.maxMs >= r.initialMs, { path: ['maxMs'], message: 'must be at least initialMs' });
export type ReconnectSettings = z.infer<typeof reconnectSettingsSchema>;

export const gatewayConfigSchema = z
  .strictObject({
    /** Incremented by the cloud on every change; a local file may leave it out. */
    version: z.number().int().min(0).optional(),
    gateway: gatewayIdentitySchema,
    mqtt: mqttSettingsSchema.optional(),
    workers: workerSettingsSchema.default({ isolation: 'shared', maxWorkers: 16, hangTimeoutMs: 15_000 }),
    reconnect: reconnectSettingsSchema.default({ initialMs: 1000, maxMs: 10_000, probeMs: 1000 }),
    buffer: bufferSettingsSchema.default({
      dir: './buffer',
      maxBytes: 1024 * 1024 * 1024,
      whenFull: 'drop-oldest',
    }),
    devices: configDevicesSchema,
  })
  .superRefine(checkTelemetryTopic);
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

const pemSchema = (what: string) =>
  z.string().regex(/-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----/, `must be a PEM ${what}`);

/** What the cloud hands out once per gateway: where to connect, the credentials, the first config. */
export const provisioningBundleSchema = z.strictObject({
  v: z.literal(1, { error: 'must be 1: this is provisioning bundle version 1' }),
  endpoint: z
    .string()
    .regex(/^mqtts:\/\/[^\s/]+$/, 'must be an mqtts:// URL such as mqtts://broker.example.com:8883'),
  ca: pemSchema('certificate'),
  cert: pemSchema('certificate'),
  key: pemSchema('private key'),
  config: z
    .strictObject({
      version: z.number().int().min(0).optional(),
      gateway: gatewayIdentitySchema,
      /** How this cloud wants telemetry published (on AWS: Basic Ingest, a few seconds apart). */
      mqtt: mqttSettingsSchema
        .pick({ publishIntervalMs: true, telemetryTopic: true, statusIntervalSeconds: true })
        .partial()
        .optional(),
      buffer: bufferSettingsSchema.optional(),
      devices: configDevicesSchema,
    })
    .superRefine(checkTelemetryTopic),
});
export type ProvisioningBundle = z.infer<typeof provisioningBundleSchema>;
