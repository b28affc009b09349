import { z } from 'zod';
import type { DeviceProtocol } from './device.ts';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  keySchema,
  nameSchema,
} from './ids.ts';

export const modbusAreas = ['holding', 'input', 'coil', 'discrete'] as const;
export const modbusTypes = [
  'int16',
  'uint16',
  'int32',
  'uint32',
  'float32',
  'float64',
  'bool',
  'string',
] as const;

export const modbusTagAddressSchema = z
  .strictObject({
    kind: z.literal('modbus'),
    area: z.enum(modbusAreas),
    address: z.number().int().min(0, 'must be 0-65535').max(65_535, 'must be 0-65535'),
    type: z.enum(modbusTypes),
    /** Bit inside a 16-bit register, for a bool packed in a holding or input register. */
    bit: z.number().int().min(0, 'must be 0-15').max(15, 'must be 0-15').optional(),
    /** Registers a string spans (two characters each). */
    length: z.number().int().min(1, 'must be 1-125').max(125, 'must be 1-125').optional(),
  })
  .superRefine((a, ctx) => {
    const bitArea = a.area === 'coil' || a.area === 'discrete';
    if (bitArea && a.type !== 'bool') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `a ${a.area} holds one bit: type must be bool`,
      });
    }
    if (a.bit !== undefined && (bitArea || a.type !== 'bool')) {
      ctx.addIssue({
        code: 'custom',
        path: ['bit'],
        message: 'bit is only for a bool inside a holding or input register',
      });
    }
    if (a.type === 'string' && a.length === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['length'],
        message: 'a string needs length (registers, two characters each)',
      });
    }
    if (a.type !== 'string' && a.length !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['length'], message: 'length is only for type string' });
    }
  });

export const opcuaTagAddressSchema = z.strictObject({
  kind: z.literal('opcua'),
  nodeId: z
    .string()
    .regex(/^(ns=\d+;)?[isgb]=.+$/, 'must be an OPC UA NodeId such as ns=1;s=Temperature or i=2258'),
});

/** A Sparkplug B metric by name, of the edge node itself or of one of its devices. */
export const sparkplugTagAddressSchema = z.strictObject({
  kind: z.literal('sparkplug'),
  metric: z.string().min(1, 'must name a metric').max(500, 'must be at most 500 characters'),
  /** The Sparkplug device id; left out for a metric of the edge node itself. */
  sparkplugDevice: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(/^[^/+#\s]+$/, 'must not contain "/", "+", "#" or spaces')
    .optional(),
});

/** An IEC 60870-5-104 information object; its type comes with each ASDU (M_ME_NC/NB/NA, M_SP, M_DP). */
export const iec104TagAddressSchema = z.strictObject({
  kind: z.literal('iec104'),
  ioa: z.number().int().min(1, 'must be 1-16777215').max(16_777_215, 'must be 1-16777215'),
});

/** A column of a CSV folder device's files, by its header. */
export const csvTagAddressSchema = z.strictObject({
  kind: z.literal('csv'),
  column: z.string().min(1, 'must name a column').max(200, 'must be at most 200 characters'),
});

/** A reading an HTTP push device sends names the tag by its key: there is no address besides it. */
export const httpTagAddressSchema = z.strictObject({ kind: z.literal('http') });

export const tagAddressSchema = z
  .discriminatedUnion('kind', [
    modbusTagAddressSchema,
    opcuaTagAddressSchema,
    sparkplugTagAddressSchema,
    iec104TagAddressSchema,
    csvTagAddressSchema,
    httpTagAddressSchema,
  ])
  .meta({ id: 'TagAddress' });
export type TagAddress = z.infer<typeof tagAddressSchema>;

/** The address kind a device's protocol reads. */
export function addressKindFor(protocol: DeviceProtocol): TagAddress['kind'] {
  switch (protocol) {
    case 'opcua':
    case 'sparkplug':
    case 'iec104':
      return protocol;
    case 'csv-folder':
      return 'csv';
    case 'http-push':
      return 'http';
    default:
      return 'modbus';
  }
}

// zod 4's z.number() already refuses NaN and ±Infinity, with this message.
const finite = (what: string) => z.number({ message: `${what} must be a finite number` });

export const tagSchema = z
  .object({
    id: idSchema,
    tenantId: idSchema,
    deviceId: idSchema,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    address: tagAddressSchema,
    /** engineering value = raw * scale + offset */
    scale: z.number(),
    offset: z.number(),
    unit: z.string(),
    /** Report by exception: a value is sent when it moves by more than this. */
    deadband: z.number(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .meta({ id: 'Tag' });
export type Tag = z.infer<typeof tagSchema>;

const tagFields = {
  name: nameSchema,
  description: descriptionSchema,
  address: tagAddressSchema,
  scale: finite('scale').refine((s) => s !== 0, 'scale must not be 0'),
  offset: finite('offset'),
  unit: z.string().max(32, 'must be at most 32 characters'),
  deadband: finite('deadband').min(0, 'deadband must not be negative'),
};

export const createTagSchema = z
  .strictObject({
    deviceId: idSchema,
    key: keySchema,
    name: tagFields.name,
    description: tagFields.description.default(''),
    address: tagFields.address,
    scale: tagFields.scale.default(1),
    offset: tagFields.offset.default(0),
    unit: tagFields.unit.default(''),
    deadband: tagFields.deadband.default(0),
  })
  .meta({ id: 'CreateTag' });
export type CreateTag = z.infer<typeof createTagSchema>;

export const updateTagSchema = z
  .strictObject({
    name: tagFields.name.optional(),
    description: tagFields.description.optional(),
    address: tagFields.address.optional(),
    scale: tagFields.scale.optional(),
    offset: tagFields.offset.optional(),
    unit: tagFields.unit.optional(),
    deadband: tagFields.deadband.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .meta({ id: 'UpdateTag' });
export type UpdateTag = z.infer<typeof updateTagSchema>;
