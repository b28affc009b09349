// Commands through the gateway (DESIGN.md "Contracts"): a request on cmd/{tenantId}/{siteId}/{gatewayId}/request
// with a correlation id and a deadline, answered on dt/.../response in numbered parts; and what the
// API gives back (the OPC UA address space, a test read of one device, the audit list).
import { z } from 'zod';
import { opcuaConnectionSchema } from './device.ts';
import { sparkplugConnectionSchema } from './device-kinds.ts';
import { idSchema, isoDateTimeSchema, keySchema } from './ids.ts';
import { configDeviceSchema } from './provisioning.ts';
import { opcuaTagAddressSchema, type TagAddress, tagAddressSchema } from './tag.ts';
import { epochMsSchema, qualitySchema, telemetryValueSchema } from './telemetry.ts';

export const gatewayCommandKinds = ['browse', 'read-once'] as const;
export type GatewayCommandKind = (typeof gatewayCommandKinds)[number];

/** Characters of the answer's JSON per response message: escaped, a part stays far below 128 KB. */
export const RESPONSE_CHUNK_CHARS = 48 * 1024;
/** An answer may be split into at most this many messages (about 24 MB of JSON). */
export const MAX_RESPONSE_PARTS = 500;

const v1 = z.literal(1, { error: 'must be 1: this is command message version 1' });

export const opcuaBrowseParamsSchema = z.strictObject({
  endpoint: opcuaConnectionSchema.shape.endpoint,
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']),
  securityPolicy: z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']),
  /** Where to start; the Objects folder (i=85) when left out. */
  startNodeId: opcuaTagAddressSchema.shape.nodeId.optional(),
  /** Levels below the start node. */
  depth: z.number().int().min(1, 'must be 1-6').max(6, 'must be 1-6'),
  /** Stop after this many nodes (the answer says it was cut short). */
  maxNodes: z.number().int().min(1).max(20_000),
});

/**
 * Sparkplug B discovery: the gateway connects to the node's broker, asks for a rebirth and answers with
 * the metrics the births announce (the node's and each device's), each with the tag address to use.
 */
export const sparkplugBrowseParamsSchema = z.strictObject({
  sparkplug: sparkplugConnectionSchema,
  maxNodes: z.number().int().min(1).max(20_000),
});

/** What can be browsed: an OPC UA server's address space, or a Sparkplug B edge node's births. */
export const browseParamsSchema = z.union([opcuaBrowseParamsSchema, sparkplugBrowseParamsSchema]);
export type BrowseParams = z.infer<typeof browseParamsSchema>;

/** read-once carries the whole device, so a device the gateway does not run yet can be tested too. */
export const readOnceParamsSchema = z.strictObject({ device: configDeviceSchema });
export type ReadOnceParams = z.infer<typeof readOnceParamsSchema>;

const requestFields = {
  v: v1,
  /** The correlation id: the response carries it back. */
  id: idSchema,
  /** Epoch ms; after it the cloud no longer waits, so the gateway drops a request that arrives late. */
  deadline: epochMsSchema,
};

export const gatewayCommandRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...requestFields, kind: z.literal('browse'), params: browseParamsSchema }),
  z.strictObject({ ...requestFields, kind: z.literal('read-once'), params: readOnceParamsSchema }),
]);
export type GatewayCommandRequest = z.infer<typeof gatewayCommandRequestSchema>;

/**
 * One message of an answer. The answer is the JSON of a `GatewayCommandOutcome`, cut into `parts`
 * chunks numbered from 0; the cloud joins them in order and parses the whole.
 */
export const gatewayCommandResponsePartSchema = z.strictObject({
  v: v1,
  id: idSchema,
  part: z.number().int().min(0, 'must not be negative'),
  parts: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_RESPONSE_PARTS, `must be at most ${MAX_RESPONSE_PARTS}`),
  chunk: z.string().max(RESPONSE_CHUNK_CHARS, `must be at most ${RESPONSE_CHUNK_CHARS} characters`),
});
export type GatewayCommandResponsePart = z.infer<typeof gatewayCommandResponsePartSchema>;

export interface BrowseNode {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
  /** Variables: the built-in data type (Double, Boolean, ...), and the value when it was read. */
  dataType?: string | undefined;
  value?: z.infer<typeof telemetryValueSchema> | null | undefined;
  quality?: z.infer<typeof qualitySchema> | undefined;
  /** The tag address that reads this node, where it is not its nodeId (Sparkplug metrics). */
  address?: TagAddress | undefined;
  children?: BrowseNode[] | undefined;
}

export const browseNodeSchema: z.ZodType<BrowseNode> = z
  .object({
    nodeId: z.string(),
    browseName: z.string(),
    displayName: z.string(),
    nodeClass: z.string(),
    dataType: z.string().optional(),
    value: telemetryValueSchema.nullable().optional(),
    quality: qualitySchema.optional(),
    address: tagAddressSchema.optional(),
    get children() {
      return z.array(browseNodeSchema).optional();
    },
  })
  .meta({ id: 'BrowseNode' });

export const browseResultSchema = z.object({
  root: browseNodeSchema,
  nodes: z.number().int(),
  /** True when maxNodes stopped the walk before the depth did. */
  truncated: z.boolean(),
});
export type BrowseResult = z.infer<typeof browseResultSchema>;

export const readOnceTagResultSchema = z.object({
  tag: keySchema,
  value: telemetryValueSchema.nullable(),
  quality: qualitySchema.nullable(),
  ts: epochMsSchema.nullable(),
  /** Why the tag has no usable value (the device does not answer, an illegal address, bad quality). */
  error: z.string().nullable(),
});

export const readOnceResultSchema = z.object({
  device: keySchema,
  /** False when the device could not be reached at all; each tag then carries that error. */
  reachable: z.boolean(),
  tookMs: z.number().int(),
  tags: z.array(readOnceTagResultSchema),
});
export type ReadOnceResult = z.infer<typeof readOnceResultSchema>;

export const gatewayCommandOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string().max(2000) }),
]);
export type GatewayCommandOutcome = z.infer<typeof gatewayCommandOutcomeSchema>;

// --- the API ---

const timeoutSeconds = z
  .number()
  .int()
  .min(2, 'must be 2-25 seconds')
  .max(25, 'must be 2-25 seconds')
  .meta({ description: 'How long to wait for the gateway (an API call cannot wait longer than 30 s)' });

export const browseDeviceSchema = z
  .strictObject({
    startNodeId: opcuaTagAddressSchema.shape.nodeId.optional(),
    depth: z.number().int().min(1, 'must be 1-6').max(6, 'must be 1-6').default(3),
    maxNodes: z.number().int().min(1, 'must be 1-20000').max(20_000, 'must be 1-20000').default(2000),
    timeoutSeconds: timeoutSeconds.default(20),
  })
  .meta({ id: 'BrowseDevice' });

export const readDeviceOnceSchema = z
  .strictObject({ timeoutSeconds: timeoutSeconds.default(15) })
  .meta({ id: 'ReadDeviceOnce' });

export const browseDeviceResultSchema = browseResultSchema
  .extend({ commandId: idSchema })
  .meta({ id: 'BrowseDeviceResult' });

export const readDeviceOnceResultSchema = z
  .object({
    commandId: idSchema,
    deviceId: idSchema,
    reachable: z.boolean(),
    tookMs: z.number().int(),
    tags: z.array(
      readOnceTagResultSchema.omit({ tag: true }).extend({
        tagId: idSchema,
        key: z.string(),
        name: z.string(),
        unit: z.string(),
      }),
    ),
  })
  .meta({ id: 'ReadDeviceOnceResult' });
export type ReadDeviceOnceResult = z.infer<typeof readDeviceOnceResultSchema>;

export const gatewayCommandStatuses = ['sent', 'answered', 'failed', 'timed-out', 'not-sent'] as const;

/** One entry of the commands audit log. */
export const gatewayCommandSchema = z
  .object({
    id: idSchema,
    gatewayId: idSchema,
    deviceId: idSchema.nullable(),
    kind: z.enum(gatewayCommandKinds),
    requestedBy: z.object({ type: z.enum(['user', 'apiKey']), id: z.string().optional() }),
    requestedAt: isoDateTimeSchema,
    deadline: isoDateTimeSchema,
    status: z.enum(gatewayCommandStatuses),
    answeredAt: isoDateTimeSchema.nullable(),
    /** The gateway's error, why it was not sent, or "no answer before the deadline". */
    error: z.string().nullable(),
  })
  .meta({ id: 'GatewayCommand' });
export type GatewayCommand = z.infer<typeof gatewayCommandSchema>;
