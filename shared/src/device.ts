import { z } from 'zod';
import {
  csvFolderConnectionSchema,
  httpPushConnectionSchema,
  iec104ConnectionSchema,
  sparkplugConnectionSchema,
} from './device-kinds.ts';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  keySchema,
  nameSchema,
} from './ids.ts';

// Field names follow the gateway config file (edge-gateway issue) so a device row maps 1:1 onto it.

const pollMsSchema = z
  .number()
  .int()
  .min(50, 'must be at least 50 ms')
  .max(86_400_000, 'must be at most a day');
const timeoutMsSchema = z
  .number()
  .int()
  .min(100, 'must be at least 100 ms')
  .max(60_000, 'must be at most 60 s');
const unitIdSchema = z.number().int().min(0, 'must be 0-255').max(255, 'must be 0-255');
const orderSchema = z.enum(['BE', 'LE']);

const modbusCommon = {
  unitId: unitIdSchema.default(1),
  pollMs: pollMsSchema.default(1000),
  timeoutMs: timeoutMsSchema.default(2000),
  /** Byte order inside a 16-bit register, and word order across a 32/64-bit value. */
  byteOrder: orderSchema.default('BE'),
  wordOrder: orderSchema.default('BE'),
  /** Pause between requests on the same line; many serial PLCs and gateways need one. */
  interRequestDelayMs: z.number().int().min(0).max(10_000).default(0),
  /** Addresses at most this far apart are read in one block request. */
  maxGap: z.number().int().min(0).max(100).default(8),
};

export const modbusTcpConnectionSchema = z.strictObject({
  protocol: z.literal('modbus-tcp'),
  host: z.string().min(1, 'must not be empty').max(253, 'must be a host name or IP address'),
  port: z.number().int().min(1, 'must be 1-65535').max(65_535, 'must be 1-65535').default(502),
  ...modbusCommon,
});

export const modbusRtuConnectionSchema = z.strictObject({
  protocol: z.literal('modbus-rtu'),
  /** Serial device path, e.g. /dev/ttyUSB0 or COM3. */
  path: z.string().min(1, 'must be a serial device path such as /dev/ttyUSB0'),
  baudRate: z
    .union(
      [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200].map((rate) => z.literal(rate)),
      { error: 'must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200' },
    )
    .default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  dataBits: z.union([z.literal(7), z.literal(8)], { error: 'must be 7 or 8' }).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).default(1),
  ...modbusCommon,
});

export const opcuaConnectionSchema = z
  .strictObject({
    protocol: z.literal('opcua'),
    endpoint: z
      .string()
      .regex(
        /^opc\.tcp:\/\/[^\s/:]+(:\d{1,5})?(\/.*)?$/,
        'must be an opc.tcp:// endpoint URL such as opc.tcp://10.0.0.6:4840',
      ),
    securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
    securityPolicy: z
      .enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'])
      .default('None'),
    /** Subscriptions are preferred; polling is for servers with broken subscription support. */
    mode: z.enum(['subscribe', 'poll']).default('subscribe'),
    publishMs: z.number().int().min(50).max(3_600_000).default(1000),
    pollMs: pollMsSchema.default(1000),
  })
  .refine((c) => (c.securityMode === 'None') === (c.securityPolicy === 'None'), {
    message: 'securityMode None goes with securityPolicy None, and Sign/SignAndEncrypt need a policy',
    path: ['securityPolicy'],
  });

export const deviceConnectionSchema = z
  .discriminatedUnion('protocol', [
    modbusTcpConnectionSchema,
    modbusRtuConnectionSchema,
    opcuaConnectionSchema,
    sparkplugConnectionSchema,
    iec104ConnectionSchema,
    csvFolderConnectionSchema,
    httpPushConnectionSchema,
  ])
  .meta({ id: 'DeviceConnection' });
export type DeviceConnection = z.infer<typeof deviceConnectionSchema>;
export type DeviceProtocol = DeviceConnection['protocol'];

/** Report by exception: every tag's last value is sent again this often even when it does not move. */
export const heartbeatMsSchema = z
  .number({ error: 'must be a whole number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(1000, 'must be at least 1000 ms')
  .max(86_400_000, 'must be at most a day');

export const deviceSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    gatewayId: idSchema,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    enabled: z.boolean(),
    connection: deviceConnectionSchema,
    heartbeatMs: z.number().int(),
    /** The device template its tags came from, if any (applying the template again updates them). */
    templateId: idSchema.nullable(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'Device' });
export type Device = z.infer<typeof deviceSchema>;

export const createDeviceSchema = z
  .strictObject({
    gatewayId: idSchema,
    key: keySchema,
    name: nameSchema,
    description: descriptionSchema.default(''),
    enabled: z.boolean().default(true),
    connection: deviceConnectionSchema,
    heartbeatMs: heartbeatMsSchema.default(60_000),
    /** Creates the device with this template's tags (the template's protocol must fit the device's). */
    templateId: idSchema.optional(),
  })
  .meta({ id: 'CreateDevice' });
export type CreateDevice = z.infer<typeof createDeviceSchema>;

/** `connection` is replaced whole, never merged: a half-changed protocol is not a valid device. */
export const updateDeviceSchema = z
  .strictObject({
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    enabled: z.boolean().optional(),
    connection: deviceConnectionSchema.optional(),
    heartbeatMs: heartbeatMsSchema.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateDevice' });
export type UpdateDevice = z.infer<typeof updateDeviceSchema>;
