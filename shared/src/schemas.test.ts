import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as shared from './index.ts';
import {
  acceptInviteSchema,
  acknowledgeAlarmSchema,
  alarmEventSchema,
  alarmRuleSchema,
  alarmSchema,
  contactChannelSchema,
  contactSchema,
  createAlarmRuleSchema,
  createApiKeySchema,
  createContactSchema,
  createDeviceSchema,
  createEscalationPolicySchema,
  createGatewaySchema,
  createOnCallRotationSchema,
  createReportScheduleSchema,
  createSiteSchema,
  createTagSchema,
  cronExpressionProblem,
  deviceConnectionSchema,
  emailSchema,
  epochMsSchema,
  escalationPolicySchema,
  gatewayStatusSchema,
  idSchema,
  inviteUserSchema,
  keySchema,
  loginSchema,
  MAX_TELEMETRY_BYTES,
  nameSchema,
  onCallRotationSchema,
  passwordSchema,
  reportScheduleSchema,
  shelveAlarmSchema,
  signUpSchema,
  tagAddressSchema,
  telemetryMessageSchema,
  timeZoneSchema,
  toTelemetryPointRecords,
  updateAlarmRuleSchema,
  updateContactSchema,
  updateDeviceSchema,
  updateEscalationPolicySchema,
  updateGatewaySchema,
  updateOnCallRotationSchema,
  updateReportScheduleSchema,
  updateSiteSchema,
  updateTagSchema,
  updateTenantSchema,
  updateUserSchema,
} from './index.ts';

// --- helpers -------------------------------------------------------------------------------------

interface Rejection {
  name: string;
  input: unknown;
  path: PropertyKey[];
  message: string | RegExp;
}

function firstIssue(schema: z.ZodType, input: unknown): z.core.$ZodIssue {
  const result = schema.safeParse(input);
  if (result.success)
    throw new Error(`expected a rejection, but it parsed to ${JSON.stringify(result.data)}`);
  const [issue] = result.error.issues;
  if (issue === undefined) throw new Error('rejected without an issue');
  return issue;
}

/** One `it` per bad input: the first issue must point at the field and say how to fix it. */
function itRejects(schema: z.ZodType, cases: Rejection[]): void {
  it.each(cases)('rejects $name', ({ input, path, message }) => {
    const issue = firstIssue(schema, input);
    expect(issue.path).toEqual(path);
    expect(issue.message).toMatch(message);
  });
}

const id = (n: number) => `0190d5e4-7c3b-7e8a-9f1e-${n.toString(16).padStart(12, '0')}`;
const ids = {
  tenant: id(1),
  site: id(2),
  gateway: id(3),
  device: id(4),
  tag: id(5),
  contact: id(6),
  contact2: id(7),
  rotation: id(8),
  policy: id(9),
  rule: id(10),
  alarm: id(11),
  event: id(12),
};
const jan1 = 1_735_689_600_000; // 2025-01-01T00:00:00Z
const created = '2025-01-01T00:00:00.000Z';

// --- primitives ----------------------------------------------------------------------------------

describe('shared primitives', () => {
  it('accepts a UUIDv7, a key, a trimmed name, an IANA zone and a lower-cased e-mail', () => {
    expect(idSchema.parse(ids.tag)).toBe(ids.tag);
    expect(keySchema.parse('pump_1.run-hours')).toBe('pump_1.run-hours');
    expect(nameSchema.parse('  Wet well  ')).toBe('Wet well');
    expect(timeZoneSchema.parse('Europe/London')).toBe('Europe/London');
    expect(emailSchema.parse('Shift.Lead@Example.COM')).toBe('shift.lead@example.com');
    expect(passwordSchema.parse('long enough passphrase')).toBe('long enough passphrase');
  });

  describe('idSchema', () => {
    itRejects(idSchema, [{ name: 'a non-UUID id', input: 'site-1', path: [], message: 'must be a UUID' }]);
  });
  describe('keySchema', () => {
    itRejects(keySchema, [
      { name: 'an empty key', input: '', path: [], message: 'must not be empty' },
      { name: 'a key with a space', input: 'plc 1', path: [], message: 'may use letters, digits' },
      {
        name: 'a key starting with "-"',
        input: '-plc',
        path: [],
        message: 'starting with a letter or digit',
      },
      { name: 'a key with a "/"', input: 'a/b', path: [], message: 'may use letters, digits' },
      { name: 'a key over 64 characters', input: 'k'.repeat(65), path: [], message: 'at most 64 characters' },
    ]);
  });
  describe('nameSchema', () => {
    itRejects(nameSchema, [
      { name: 'a name of only spaces', input: '   ', path: [], message: 'must not be empty' },
      {
        name: 'a name over 200 characters',
        input: 'n'.repeat(201),
        path: [],
        message: 'at most 200 characters',
      },
    ]);
  });
  describe('timeZoneSchema', () => {
    itRejects(timeZoneSchema, [
      {
        name: 'an unknown zone',
        input: 'Mars/Olympus',
        path: [],
        message: 'IANA time zone such as "Europe/Paris"',
      },
      { name: 'an empty zone', input: '', path: [], message: 'IANA time zone' },
      // Intl accepts it, PostgreSQL reads it with the opposite sign.
      { name: 'a numeric offset instead of a zone', input: '+05:00', path: [], message: 'IANA time zone' },
    ]);
  });
  describe('emailSchema and passwordSchema', () => {
    itRejects(emailSchema, [
      {
        name: 'an address without a domain',
        input: 'operator@',
        path: [],
        message: 'must be an e-mail address',
      },
    ]);
    itRejects(passwordSchema, [
      {
        name: 'a password under 10 characters',
        input: 'hunter2',
        path: [],
        message: 'at least 10 characters',
      },
      {
        name: 'a password over 256 characters',
        input: 'p'.repeat(257),
        path: [],
        message: 'at most 256 characters',
      },
    ]);
  });
});

// --- auth and tenant -----------------------------------------------------------------------------

describe('signUpSchema', () => {
  it('trims names, lower-cases the e-mail and defaults the time zone to UTC', () => {
    expect(
      signUpSchema.parse({
        tenantName: ' Anglian Water ',
        name: 'Ada Lovelace',
        email: 'Ada@Example.com',
        password: 'correct horse battery',
      }),
    ).toEqual({
      tenantName: 'Anglian Water',
      timeZone: 'UTC',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      password: 'correct horse battery',
    });
  });
  const valid = {
    tenantName: 'Works',
    name: 'Ada',
    email: 'ada@example.com',
    password: 'correct horse battery',
  };
  itRejects(signUpSchema, [
    {
      name: 'a short password',
      input: { ...valid, password: 'short' },
      path: ['password'],
      message: 'at least 10',
    },
    {
      name: 'an unknown time zone',
      input: { ...valid, timeZone: 'Europe/Atlantis' },
      path: ['timeZone'],
      message: 'IANA',
    },
    {
      name: 'a blank tenant name',
      input: { ...valid, tenantName: ' ' },
      path: ['tenantName'],
      message: 'must not be empty',
    },
    {
      name: 'an unknown field',
      input: { ...valid, role: 'owner' },
      path: [],
      message: 'Unrecognized key: "role"',
    },
  ]);
});

describe('loginSchema', () => {
  it('accepts any non-empty password and lower-cases the e-mail', () => {
    expect(loginSchema.parse({ email: 'OPS@example.com', password: 'x' })).toEqual({
      email: 'ops@example.com',
      password: 'x',
    });
  });
  itRejects(loginSchema, [
    {
      name: 'an empty password',
      input: { email: 'a@example.com', password: '' },
      path: ['password'],
      message: 'must not be empty',
    },
    {
      name: 'a malformed e-mail',
      input: { email: 'a.example.com', password: 'x' },
      path: ['email'],
      message: 'e-mail address',
    },
  ]);
});

describe('inviteUserSchema', () => {
  it('defaults siteIds to null (every site)', () => {
    expect(inviteUserSchema.parse({ email: 'op@example.com', name: 'Op', role: 'operator' })).toEqual({
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      siteIds: null,
    });
  });
  itRejects(inviteUserSchema, [
    {
      name: 'an unknown role',
      input: { email: 'op@example.com', name: 'Op', role: 'superuser' },
      path: ['role'],
      message: 'expected one of "viewer"|"operator"|"engineer"|"admin"|"owner"',
    },
    {
      name: 'a site id that is not a UUID',
      input: { email: 'op@example.com', name: 'Op', role: 'viewer', siteIds: ['north'] },
      path: ['siteIds', 0],
      message: 'must be a UUID',
    },
  ]);
});

describe('acceptInviteSchema', () => {
  it('accepts a token and a password, the name being optional', () => {
    expect(acceptInviteSchema.parse({ token: 'tok', password: 'long enough passphrase' })).toEqual({
      token: 'tok',
      password: 'long enough passphrase',
    });
  });
  itRejects(acceptInviteSchema, [
    {
      name: 'an empty token',
      input: { token: '', password: 'long enough passphrase' },
      path: ['token'],
      message: 'must not be empty',
    },
    {
      name: 'a short password',
      input: { token: 't', password: 'short' },
      path: ['password'],
      message: 'at least 10',
    },
  ]);
});

describe('updateUserSchema', () => {
  it('accepts a role change and a site restriction', () => {
    expect(updateUserSchema.parse({ role: 'engineer', siteIds: [ids.site] })).toEqual({
      role: 'engineer',
      siteIds: [ids.site],
    });
  });
  itRejects(updateUserSchema, [
    {
      name: 'a change of e-mail',
      input: { email: 'x@example.com' },
      path: [],
      message: 'Unrecognized key: "email"',
    },
    { name: 'an unknown role', input: { role: 'root' }, path: ['role'], message: 'Invalid option' },
  ]);
});

describe('updateTenantSchema', () => {
  it('accepts a renamed tenant and a new time zone', () => {
    expect(updateTenantSchema.parse({ name: ' Severn Water ', timeZone: 'Europe/London' })).toEqual({
      name: 'Severn Water',
      timeZone: 'Europe/London',
    });
  });
  itRejects(updateTenantSchema, [
    { name: 'a blank tenant name', input: { name: '  ' }, path: ['name'], message: 'must not be empty' },
    {
      name: 'an unknown time zone',
      input: { timeZone: 'Pacific/Atlantis' },
      path: ['timeZone'],
      message: 'IANA',
    },
    { name: 'a change of tenant id', input: { id: ids.tenant }, path: [], message: 'Unrecognized key: "id"' },
  ]);
});

describe('createApiKeySchema', () => {
  it('defaults the role to viewer, the least power', () => {
    expect(createApiKeySchema.parse({ name: 'Historian export' })).toEqual({
      name: 'Historian export',
      role: 'viewer',
    });
  });
  itRejects(createApiKeySchema, [
    { name: 'a key without a name', input: { role: 'viewer' }, path: ['name'], message: 'expected string' },
  ]);
});

// --- plant model ---------------------------------------------------------------------------------

describe('createSiteSchema', () => {
  it('applies defaults for description, time zone and location', () => {
    expect(createSiteSchema.parse({ name: 'Northfield WwTW' })).toEqual({
      name: 'Northfield WwTW',
      description: '',
      timeZone: 'UTC',
      location: null,
    });
  });
  it('keeps a location', () => {
    expect(
      createSiteSchema.parse({
        name: 'Works',
        timeZone: 'Europe/Paris',
        location: { latitude: 48.85, longitude: 2.35 },
      }),
    ).toMatchObject({ timeZone: 'Europe/Paris', location: { latitude: 48.85, longitude: 2.35 } });
  });
  itRejects(createSiteSchema, [
    {
      name: 'a latitude past the pole',
      input: { name: 'Works', location: { latitude: 91, longitude: 0 } },
      path: ['location', 'latitude'],
      message: 'must be between -90 and 90',
    },
    {
      name: 'a longitude past the date line',
      input: { name: 'Works', location: { latitude: 0, longitude: -181 } },
      path: ['location', 'longitude'],
      message: 'must be between -180 and 180',
    },
    {
      name: 'an unknown time zone',
      input: { name: 'Works', timeZone: 'GMT+25' },
      path: ['timeZone'],
      message: 'IANA',
    },
    {
      name: 'a description over 2000 characters',
      input: { name: 'W', description: 'd'.repeat(2001) },
      path: ['description'],
      message: 'at most 2000',
    },
  ]);
});

describe('updateSiteSchema', () => {
  it('lets a location be removed', () => {
    expect(updateSiteSchema.parse({ location: null })).toEqual({ location: null });
  });
  itRejects(updateSiteSchema, [
    { name: 'a blank name', input: { name: '' }, path: ['name'], message: 'must not be empty' },
    { name: 'an unknown time zone', input: { timeZone: 'Nowhere' }, path: ['timeZone'], message: 'IANA' },
  ]);
});

describe('createGatewaySchema and updateGatewaySchema', () => {
  it('defaults the description and trims the name', () => {
    expect(createGatewaySchema.parse({ siteId: ids.site, name: ' Pump house ' })).toEqual({
      siteId: ids.site,
      name: 'Pump house',
      description: '',
    });
    expect(updateGatewaySchema.parse({ description: 'Rack 2' })).toEqual({ description: 'Rack 2' });
  });
  itRejects(createGatewaySchema, [
    {
      name: 'a site id that is not a UUID',
      input: { siteId: 'north', name: 'GW' },
      path: ['siteId'],
      message: 'must be a UUID',
    },
  ]);
  itRejects(updateGatewaySchema, [
    {
      name: 'moving a gateway to another site',
      input: { siteId: ids.site },
      path: [],
      message: 'Unrecognized key: "siteId"',
    },
  ]);
});

describe('deviceConnectionSchema', () => {
  it('fills Modbus TCP defaults: port 502, unit 1, big-endian, 1 s polling', () => {
    expect(deviceConnectionSchema.parse({ protocol: 'modbus-tcp', host: '10.0.0.5' })).toEqual({
      protocol: 'modbus-tcp',
      host: '10.0.0.5',
      port: 502,
      unitId: 1,
      pollMs: 1000,
      timeoutMs: 2000,
      byteOrder: 'BE',
      wordOrder: 'BE',
      interRequestDelayMs: 0,
      maxGap: 8,
    });
  });
  it('fills Modbus RTU serial defaults: 9600 8N1', () => {
    expect(deviceConnectionSchema.parse({ protocol: 'modbus-rtu', path: '/dev/ttyUSB0' })).toMatchObject({
      baudRate: 9600,
      parity: 'none',
      dataBits: 8,
      stopBits: 1,
    });
  });
  it('fills OPC UA defaults: no security, subscriptions', () => {
    expect(
      deviceConnectionSchema.parse({ protocol: 'opcua', endpoint: 'opc.tcp://10.0.0.6:4840' }),
    ).toMatchObject({
      securityMode: 'None',
      securityPolicy: 'None',
      mode: 'subscribe',
    });
  });
  const rtu = { protocol: 'modbus-rtu', path: '/dev/ttyUSB0' };
  itRejects(deviceConnectionSchema, [
    {
      name: 'an unknown protocol',
      input: { protocol: 'bacnet' },
      path: ['protocol'],
      message: "Expected 'modbus-tcp' | 'modbus-rtu' | 'opcua'",
    },
    {
      name: 'port 0',
      input: { protocol: 'modbus-tcp', host: 'plc', port: 0 },
      path: ['port'],
      message: 'must be 1-65535',
    },
    {
      name: 'an empty host',
      input: { protocol: 'modbus-tcp', host: '' },
      path: ['host'],
      message: 'must not be empty',
    },
    {
      name: 'a unit id over 255',
      input: { protocol: 'modbus-tcp', host: 'plc', unitId: 256 },
      path: ['unitId'],
      message: 'must be 0-255',
    },
    {
      name: 'polling faster than 50 ms',
      input: { protocol: 'modbus-tcp', host: 'plc', pollMs: 10 },
      path: ['pollMs'],
      message: 'at least 50 ms',
    },
    {
      name: 'a timeout over a minute',
      input: { protocol: 'modbus-tcp', host: 'plc', timeoutMs: 60_001 },
      path: ['timeoutMs'],
      message: 'at most 60 s',
    },
    {
      name: 'a non-standard baud rate',
      input: { ...rtu, baudRate: 1234 },
      path: ['baudRate'],
      message: 'must be one of 1200, 2400',
    },
    { name: 'nine data bits', input: { ...rtu, dataBits: 9 }, path: ['dataBits'], message: 'must be 7 or 8' },
    {
      name: 'three stop bits',
      input: { ...rtu, stopBits: 3 },
      path: ['stopBits'],
      message: 'must be 1 or 2',
    },
    {
      name: 'an empty serial path',
      input: { ...rtu, path: '' },
      path: ['path'],
      message: 'serial device path such as /dev/ttyUSB0',
    },
    {
      name: 'an http endpoint for OPC UA',
      input: { protocol: 'opcua', endpoint: 'http://10.0.0.6:4840' },
      path: ['endpoint'],
      message: 'opc.tcp:// endpoint URL',
    },
    {
      name: 'signing without a security policy',
      input: { protocol: 'opcua', endpoint: 'opc.tcp://plc:4840', securityMode: 'Sign' },
      path: ['securityPolicy'],
      message: 'Sign/SignAndEncrypt need a policy',
    },
    {
      name: 'a Modbus field on an OPC UA device',
      input: { protocol: 'opcua', endpoint: 'opc.tcp://plc:4840', unitId: 1 },
      path: [],
      message: 'Unrecognized key: "unitId"',
    },
  ]);
});

describe('createDeviceSchema and updateDeviceSchema', () => {
  it('defaults description and enabled, and the connection defaults', () => {
    const device = createDeviceSchema.parse({
      gatewayId: ids.gateway,
      key: 'plc-1',
      name: 'Inlet PLC',
      connection: { protocol: 'modbus-tcp', host: '10.0.0.5' },
    });
    expect(device).toMatchObject({ key: 'plc-1', description: '', enabled: true, connection: { port: 502 } });
  });
  it('accepts a whole new connection on update', () => {
    expect(
      updateDeviceSchema.parse({ enabled: false, connection: { protocol: 'modbus-rtu', path: 'COM3' } }),
    ).toMatchObject({
      enabled: false,
      connection: { protocol: 'modbus-rtu', path: 'COM3', baudRate: 9600 },
    });
  });
  const valid = {
    gatewayId: ids.gateway,
    key: 'plc-1',
    name: 'PLC',
    connection: { protocol: 'modbus-tcp', host: 'plc' },
  };
  itRejects(createDeviceSchema, [
    {
      name: 'a device key with a space',
      input: { ...valid, key: 'plc 1' },
      path: ['key'],
      message: 'may use letters, digits',
    },
    {
      name: 'a bad port inside the connection',
      input: { ...valid, connection: { protocol: 'modbus-tcp', host: 'plc', port: 70_000 } },
      path: ['connection', 'port'],
      message: 'must be 1-65535',
    },
    {
      name: 'a device without a connection',
      input: { ...valid, connection: undefined },
      path: ['connection'],
      message: /expected object|Invalid input/,
    },
  ]);
  itRejects(updateDeviceSchema, [
    {
      name: 'a change of device key, which telemetry depends on',
      input: { key: 'plc-2' },
      path: [],
      message: 'Unrecognized key: "key"',
    },
  ]);
});

describe('tagAddressSchema', () => {
  it('accepts a float in holding registers and an OPC UA NodeId', () => {
    expect(tagAddressSchema.parse({ kind: 'modbus', area: 'holding', address: 40, type: 'float32' })).toEqual(
      {
        kind: 'modbus',
        area: 'holding',
        address: 40,
        type: 'float32',
      },
    );
    expect(tagAddressSchema.parse({ kind: 'opcua', nodeId: 'ns=2;s=Pump1.Speed' })).toEqual({
      kind: 'opcua',
      nodeId: 'ns=2;s=Pump1.Speed',
    });
  });
  const modbus = { kind: 'modbus', area: 'holding', address: 0 };
  itRejects(tagAddressSchema, [
    {
      name: 'a coil read as int16',
      input: { ...modbus, area: 'coil', type: 'int16' },
      path: ['type'],
      message: 'a coil holds one bit: type must be bool',
    },
    {
      name: 'a bit index on a float',
      input: { ...modbus, type: 'float32', bit: 3 },
      path: ['bit'],
      message: 'bit is only for a bool',
    },
    {
      name: 'a bit index of 16',
      input: { ...modbus, type: 'bool', bit: 16 },
      path: ['bit'],
      message: 'must be 0-15',
    },
    {
      name: 'a string without a length',
      input: { ...modbus, type: 'string' },
      path: ['length'],
      message: 'a string needs length',
    },
    {
      name: 'a length on a number',
      input: { ...modbus, type: 'uint16', length: 2 },
      path: ['length'],
      message: 'length is only for type string',
    },
    {
      name: 'an address past 65535',
      input: { ...modbus, type: 'uint16', address: 65_536 },
      path: ['address'],
      message: 'must be 0-65535',
    },
    {
      name: 'a malformed NodeId',
      input: { kind: 'opcua', nodeId: 'Temperature' },
      path: ['nodeId'],
      message: 'OPC UA NodeId such as ns=1;s=Temperature',
    },
  ]);
});

describe('createTagSchema and updateTagSchema', () => {
  const address = { kind: 'modbus', area: 'input', address: 3, type: 'int16' };
  it('defaults scaling to identity and the unit, description and deadband to empty', () => {
    expect(
      createTagSchema.parse({ deviceId: ids.device, key: 'level', name: 'Wet well level', address }),
    ).toEqual({
      deviceId: ids.device,
      key: 'level',
      name: 'Wet well level',
      description: '',
      address,
      scale: 1,
      offset: 0,
      unit: '',
      deadband: 0,
    });
  });
  it('accepts a unit change on update', () => {
    expect(updateTagSchema.parse({ unit: 'm³/h', scale: 0.1 })).toEqual({ unit: 'm³/h', scale: 0.1 });
  });
  const valid = { deviceId: ids.device, key: 'level', name: 'Level', address };
  itRejects(createTagSchema, [
    {
      name: 'a scale of 0, which would flatten every value',
      input: { ...valid, scale: 0 },
      path: ['scale'],
      message: 'scale must not be 0',
    },
    {
      name: 'an infinite scale',
      input: { ...valid, scale: Number.POSITIVE_INFINITY },
      path: ['scale'],
      message: 'scale must be a finite number',
    },
    {
      name: 'a NaN offset',
      input: { ...valid, offset: Number.NaN },
      path: ['offset'],
      message: 'offset must be a finite number',
    },
    {
      name: 'a negative deadband',
      input: { ...valid, deadband: -0.5 },
      path: ['deadband'],
      message: 'deadband must not be negative',
    },
    {
      name: 'a unit over 32 characters',
      input: { ...valid, unit: 'u'.repeat(33) },
      path: ['unit'],
      message: 'at most 32 characters',
    },
  ]);
  itRejects(updateTagSchema, [
    { name: 'a change of tag key', input: { key: 'lvl' }, path: [], message: 'Unrecognized key: "key"' },
    { name: 'a scale of 0', input: { scale: 0 }, path: ['scale'], message: 'scale must not be 0' },
  ]);
});

// --- telemetry and status ------------------------------------------------------------------------

describe('telemetryMessageSchema', () => {
  const point = { d: 'plc-1', t: 'level', ts: jan1, v: 2.75, q: 'good' };
  const message = { v: 1, gw: ids.gateway, seq: 42, points: [point] };

  it('accepts numbers, booleans and text values of every quality', () => {
    const parsed = telemetryMessageSchema.parse({
      ...message,
      points: [
        point,
        { ...point, t: 'running', v: true, q: 'uncertain' },
        { ...point, t: 'mode', v: 'AUTO', q: 'bad' },
      ],
    });
    expect(parsed.points.map((p) => p.v)).toEqual([2.75, true, 'AUTO']);
    expect(parsed.seq).toBe(42);
  });

  it('accepts the largest batch allowed, 10,000 points', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({ ...point, ts: jan1 + i }));
    expect(telemetryMessageSchema.parse({ ...message, points }).points).toHaveLength(10_000);
  });

  it('keeps the AWS IoT Core payload limit of 128 KiB', () => {
    expect(MAX_TELEMETRY_BYTES).toBe(131_072);
  });

  itRejects(telemetryMessageSchema, [
    { name: 'a message of another version', input: { ...message, v: 2 }, path: ['v'], message: 'must be 1' },
    {
      name: 'an empty batch',
      input: { ...message, points: [] },
      path: ['points'],
      message: 'at least one point',
    },
    {
      name: 'a batch over 10,000 points',
      input: { ...message, points: Array.from({ length: 10_001 }, () => point) },
      path: ['points'],
      message: 'at most 10000 points; split the batch',
    },
    {
      name: 'a negative sequence number',
      input: { ...message, seq: -1 },
      path: ['seq'],
      message: 'must not be negative',
    },
    {
      name: 'a fractional sequence number',
      input: { ...message, seq: 1.5 },
      path: ['seq'],
      message: 'whole number',
    },
    {
      name: 'a gateway id with a topic wildcard',
      input: { ...message, gw: 'gw/+' },
      path: ['gw'],
      message: '"/", "+" and "#" have a meaning',
    },
    {
      name: 'a NaN value',
      input: { ...message, points: [{ ...point, v: Number.NaN }] },
      path: ['points', 0, 'v'],
      message: 'must be a finite number, a boolean or a string',
    },
    {
      name: 'an infinite value',
      input: { ...message, points: [{ ...point, v: Number.NEGATIVE_INFINITY }] },
      path: ['points', 0, 'v'],
      message: 'finite number',
    },
    {
      name: 'a null value',
      input: { ...message, points: [{ ...point, v: null }] },
      path: ['points', 0, 'v'],
      message: 'finite number, a boolean or a string',
    },
    {
      name: 'a text value over 1000 characters',
      input: { ...message, points: [{ ...point, v: 'x'.repeat(1001) }] },
      path: ['points', 0, 'v'],
      message: 'at most 1000 characters',
    },
    {
      name: 'an unknown quality',
      input: { ...message, points: [{ ...point, q: 'stale' }] },
      path: ['points', 0, 'q'],
      message: 'must be "good", "bad" or "uncertain"',
    },
    {
      name: 'a timestamp in seconds',
      input: { ...message, points: [{ ...point, ts: 1_735_689_600 }] },
      path: ['points', 0, 'ts'],
      message: 'probably seconds',
    },
    {
      name: 'a timestamp in microseconds',
      input: { ...message, points: [{ ...point, ts: jan1 * 1000 }] },
      path: ['points', 0, 'ts'],
      message: 'probably microseconds',
    },
    {
      name: 'a fractional timestamp',
      input: { ...message, points: [{ ...point, ts: jan1 + 0.5 }] },
      path: ['points', 0, 'ts'],
      message: 'whole epoch milliseconds',
    },
    {
      name: 'a timestamp as an ISO string',
      input: { ...message, points: [{ ...point, ts: created }] },
      path: ['points', 0, 'ts'],
      message: 'epoch milliseconds, such as',
    },
    {
      name: 'a device key with a space',
      input: { ...message, points: [{ ...point, d: 'plc 1' }] },
      path: ['points', 0, 'd'],
      message: 'may use letters, digits',
    },
    {
      name: 'an empty tag key',
      input: { ...message, points: [{ ...point, t: '' }] },
      path: ['points', 0, 't'],
      message: 'must not be empty',
    },
    {
      name: 'an unknown field on a point',
      input: { ...message, points: [{ ...point, unit: 'm' }] },
      path: ['points', 0],
      message: 'Unrecognized key: "unit"',
    },
  ]);

  it('spells the topic ids and long field names out for the store', () => {
    const parsed = telemetryMessageSchema.parse(message);
    expect(
      toTelemetryPointRecords({ tenantId: ids.tenant, siteId: ids.site, gatewayId: ids.gateway }, parsed),
    ).toEqual([
      {
        tenantId: ids.tenant,
        siteId: ids.site,
        gatewayId: ids.gateway,
        deviceKey: 'plc-1',
        tagKey: 'level',
        ts: jan1,
        value: 2.75,
        quality: 'good',
      },
    ]);
  });

  it('refuses epoch ms outside 2000-2100 on its own too', () => {
    expect(epochMsSchema.safeParse(946_684_800_000).success).toBe(true);
    expect(firstIssue(epochMsSchema, 946_684_799_999).message).toMatch('after 2000-01-01');
  });
});

describe('gatewayStatusSchema', () => {
  const online = {
    v: 1,
    gw: ids.gateway,
    state: 'online',
    ts: jan1,
    version: '1.4.2',
    configVersion: 7,
    buffer: { bytes: 1024, points: 12, droppedPoints: 0, whenFull: 'drop-oldest' },
    devices: [
      { d: 'plc-1', connected: true, lastSuccessTs: jan1, errorCount: 0, backoffMs: 0 },
      {
        d: 'plc-2',
        connected: false,
        lastSuccessTs: null,
        errorCount: 3,
        backoffMs: 8000,
        lastError: 'ECONNREFUSED 10.0.0.9:502',
      },
    ],
  };
  it('accepts an online status with buffer and driver health', () => {
    expect(gatewayStatusSchema.parse(online)).toEqual(online);
  });
  it('accepts a bare offline Last Will', () => {
    const will = { v: 1, gw: ids.gateway, state: 'offline', ts: jan1 };
    expect(gatewayStatusSchema.parse(will)).toEqual(will);
  });
  itRejects(gatewayStatusSchema, [
    {
      name: 'an unknown state',
      input: { ...online, state: 'degraded' },
      path: ['state'],
      message: 'must be "online" or "offline"',
    },
    {
      name: 'an offline message carrying device health',
      input: { v: 1, gw: 'g', state: 'offline', ts: jan1, devices: [] },
      path: [],
      message: 'Unrecognized key: "devices"',
    },
    {
      name: 'a negative error count',
      input: {
        ...online,
        devices: [{ d: 'plc-1', connected: true, lastSuccessTs: null, errorCount: -1, backoffMs: 0 }],
      },
      path: ['devices', 0, 'errorCount'],
      message: 'must not be negative',
    },
    {
      name: 'a fractional backoff',
      input: {
        ...online,
        devices: [{ d: 'plc-1', connected: true, lastSuccessTs: null, errorCount: 0, backoffMs: 0.5 }],
      },
      path: ['devices', 0, 'backoffMs'],
      message: 'whole number of milliseconds',
    },
    {
      name: 'an unknown buffer policy',
      input: { ...online, buffer: { ...online.buffer, whenFull: 'block' } },
      path: ['buffer', 'whenFull'],
      message: 'must be "drop-oldest" or "drop-newest"',
    },
    {
      name: 'a status timestamp in seconds',
      input: { ...online, ts: 1_735_689_600 },
      path: ['ts'],
      message: 'probably seconds',
    },
    { name: 'a status of another version', input: { ...online, v: 2 }, path: ['v'], message: 'must be 1' },
  ]);
});

// --- alarms --------------------------------------------------------------------------------------

describe('createAlarmRuleSchema', () => {
  const defaults = {
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    repageHoldOffMinutes: 15,
  };
  const stack = [
    { level: 'hihi', threshold: 95, severity: 'critical' },
    { level: 'hi', threshold: 85, severity: 'high', name: 'Wet well high' },
    { level: 'lo', threshold: 10, severity: 'medium' },
    { level: 'lolo', threshold: 5, severity: 'high' },
  ];
  const limit = { kind: 'limit', tagId: ids.tag, name: 'Wet well level', levels: stack };

  it.each([
    ['a full HiHi/Hi/Lo/LoLo stack', limit, { ...limit, ...defaults }],
    [
      'a comparison on text with ==',
      {
        kind: 'comparison',
        tagId: ids.tag,
        name: 'Pump in manual',
        severity: 'low',
        op: '==',
        value: 'MANUAL',
      },
      {
        kind: 'comparison',
        tagId: ids.tag,
        name: 'Pump in manual',
        severity: 'low',
        op: '==',
        value: 'MANUAL',
        ...defaults,
      },
    ],
    [
      'a digital rising-edge rule with delays',
      {
        kind: 'digital',
        tagId: ids.tag,
        name: 'Pump trip',
        severity: 'high',
        trigger: 'rising',
        onDelayMs: 2000,
        offDelayMs: 5000,
      },
      {
        kind: 'digital',
        tagId: ids.tag,
        name: 'Pump trip',
        severity: 'high',
        trigger: 'rising',
        ...defaults,
        onDelayMs: 2000,
        offDelayMs: 5000,
      },
    ],
    [
      'a rate-of-change rule, direction defaulting to either',
      { kind: 'rateOfChange', tagId: ids.tag, name: 'Level rising fast', severity: 'medium', perMinute: 0.5 },
      {
        kind: 'rateOfChange',
        tagId: ids.tag,
        name: 'Level rising fast',
        severity: 'medium',
        perMinute: 0.5,
        direction: 'either',
        ...defaults,
      },
    ],
    [
      'a bad-quality rule with an escalation policy',
      {
        kind: 'badQuality',
        tagId: ids.tag,
        name: 'Level signal bad',
        severity: 'low',
        escalationPolicyId: ids.policy,
      },
      {
        kind: 'badQuality',
        tagId: ids.tag,
        name: 'Level signal bad',
        severity: 'low',
        ...defaults,
        escalationPolicyId: ids.policy,
      },
    ],
    [
      'a gateway communication-loss rule',
      {
        kind: 'commLoss',
        name: 'Outstation lost',
        severity: 'critical',
        afterSeconds: 120,
        scope: 'gateway',
        gatewayId: ids.gateway,
      },
      {
        kind: 'commLoss',
        name: 'Outstation lost',
        severity: 'critical',
        afterSeconds: 120,
        scope: 'gateway',
        gatewayId: ids.gateway,
        ...defaults,
      },
    ],
    [
      'a device communication-loss rule',
      {
        kind: 'commLoss',
        name: 'PLC lost',
        severity: 'high',
        afterSeconds: 5,
        scope: 'device',
        deviceId: ids.device,
      },
      {
        kind: 'commLoss',
        name: 'PLC lost',
        severity: 'high',
        afterSeconds: 5,
        scope: 'device',
        deviceId: ids.device,
        ...defaults,
      },
    ],
  ])('accepts %s and fills the defaults', (_case, input, expected) => {
    expect(createAlarmRuleSchema.parse(input)).toEqual(expected);
  });

  it('accepts a partial stack such as Hi and Lo only', () => {
    const rule = createAlarmRuleSchema.parse({ ...limit, levels: [stack[2], stack[1]] });
    expect(rule.kind === 'limit' && rule.levels.map((l) => l.level)).toEqual(['lo', 'hi']);
  });

  const tagRule = { tagId: ids.tag, name: 'Rule', severity: 'high' };
  itRejects(createAlarmRuleSchema, [
    {
      name: 'an unknown rule kind',
      input: { ...tagRule, kind: 'threshold' },
      path: ['kind'],
      message: 'must be one of "limit", "comparison"',
    },
    {
      name: 'a limit stack with no levels',
      input: { ...limit, levels: [] },
      path: ['levels'],
      message: 'at least one level',
    },
    {
      name: 'a limit stack whose hi threshold is above hihi',
      input: {
        ...limit,
        levels: [
          { level: 'hihi', threshold: 90, severity: 'critical' },
          { level: 'hi', threshold: 95, severity: 'high' },
        ],
      },
      path: ['levels', 1, 'threshold'],
      message: 'hi threshold (95) must be below hihi (90)',
    },
    {
      name: 'a limit stack whose lo threshold equals hi',
      input: {
        ...limit,
        levels: [
          { level: 'hi', threshold: 50, severity: 'high' },
          { level: 'lo', threshold: 50, severity: 'low' },
        ],
      },
      path: ['levels', 1, 'threshold'],
      message: 'lo threshold (50) must be below hi (50)',
    },
    {
      name: 'a limit stack whose lolo threshold is above lo, listed out of order',
      input: {
        ...limit,
        levels: [
          { level: 'lolo', threshold: 20, severity: 'high' },
          { level: 'lo', threshold: 10, severity: 'low' },
        ],
      },
      path: ['levels', 0, 'threshold'],
      message: 'lolo threshold (20) must be below lo (10)',
    },
    {
      name: 'a limit stack with hi twice',
      input: {
        ...limit,
        levels: [
          { level: 'hi', threshold: 80, severity: 'high' },
          { level: 'hi', threshold: 90, severity: 'high' },
        ],
      },
      path: ['levels', 1, 'level'],
      message: 'hi appears more than once',
    },
    {
      name: 'a limit level without its own severity',
      input: { ...limit, levels: [{ level: 'hi', threshold: 80 }] },
      path: ['levels', 0, 'severity'],
      message: 'must be "critical", "high", "medium" or "low"',
    },
    {
      name: 'a limit level named "high"',
      input: { ...limit, levels: [{ level: 'high', threshold: 80, severity: 'high' }] },
      path: ['levels', 0, 'level'],
      message: 'must be "hihi", "hi", "lo" or "lolo"',
    },
    {
      name: 'a rule-wide severity on a limit stack, where each level has its own',
      input: { ...limit, severity: 'high' },
      path: [],
      message: 'Unrecognized key: "severity"',
    },
    {
      name: 'a negative deadband',
      input: { ...limit, deadband: -1 },
      path: ['deadband'],
      message: 'must not be negative',
    },
    {
      name: 'a negative on-delay',
      input: { ...limit, onDelayMs: -5 },
      path: ['onDelayMs'],
      message: 'must not be negative',
    },
    {
      name: 'an off-delay over a day',
      input: { ...limit, offDelayMs: 86_400_001 },
      path: ['offDelayMs'],
      message: 'at most 86400000 ms',
    },
    {
      name: 'an escalation policy id that is not a UUID',
      input: { ...limit, escalationPolicyId: 'night-shift' },
      path: ['escalationPolicyId'],
      message: 'must be a UUID',
    },
    {
      name: 'a rule without a tag',
      input: { ...limit, tagId: undefined },
      path: ['tagId'],
      message: /expected string|UUID/,
    },
    {
      name: 'an unknown comparison operator',
      input: { ...tagRule, kind: 'comparison', op: '=>', value: 3 },
      path: ['op'],
      message: 'must be one of >, >=, <, <=, ==, !=',
    },
    {
      name: 'ordering a boolean with >',
      input: { ...tagRule, kind: 'comparison', op: '>', value: true },
      path: ['value'],
      message: 'must be a number for >; booleans and text compare only with == or !=',
    },
    {
      name: 'an infinite comparison value',
      input: { ...tagRule, kind: 'comparison', op: '<', value: Number.POSITIVE_INFINITY },
      path: ['value'],
      message: 'finite number',
    },
    {
      name: 'an unknown digital trigger',
      input: { ...tagRule, kind: 'digital', trigger: 'on' },
      path: ['trigger'],
      message: 'must be "true", "false", "rising" or "falling"',
    },
    {
      name: 'a rate of change of 0 per minute',
      input: { ...tagRule, kind: 'rateOfChange', perMinute: 0 },
      path: ['perMinute'],
      message: 'must be greater than 0',
    },
    {
      name: 'an unknown rate direction',
      input: { ...tagRule, kind: 'rateOfChange', perMinute: 1, direction: 'sideways' },
      path: ['direction'],
      message: 'must be "up", "down" or "either"',
    },
    {
      name: 'a bad-quality rule with an unknown severity',
      input: { ...tagRule, kind: 'badQuality', severity: 'urgent' },
      path: ['severity'],
      message: 'must be "critical", "high", "medium" or "low"',
    },
    {
      name: 'a communication-loss delay under 5 s',
      input: {
        kind: 'commLoss',
        name: 'Lost',
        severity: 'high',
        afterSeconds: 2,
        scope: 'gateway',
        gatewayId: ids.gateway,
      },
      path: ['afterSeconds'],
      message: 'at least 5 seconds',
    },
    {
      name: 'a device-scope communication-loss rule without a device',
      input: { kind: 'commLoss', name: 'Lost', severity: 'high', afterSeconds: 30, scope: 'device' },
      path: ['deviceId'],
      message: 'a device-scope rule needs deviceId',
    },
    {
      name: 'a gateway-scope communication-loss rule that also names a device',
      input: {
        kind: 'commLoss',
        name: 'Lost',
        severity: 'high',
        afterSeconds: 30,
        scope: 'gateway',
        gatewayId: ids.gateway,
        deviceId: ids.device,
      },
      path: ['deviceId'],
      message: 'is not used by a gateway-scope rule',
    },
    {
      name: 'a communication-loss rule on a tag',
      input: {
        kind: 'commLoss',
        name: 'Lost',
        severity: 'high',
        afterSeconds: 30,
        scope: 'gateway',
        gatewayId: ids.gateway,
        tagId: ids.tag,
      },
      path: [],
      message: 'Unrecognized key: "tagId"',
    },
    {
      name: 'the site as an input, which comes from the tag',
      input: { ...limit, siteId: ids.site },
      path: [],
      message: 'Unrecognized key: "siteId"',
    },
  ]);
});

describe('updateAlarmRuleSchema', () => {
  it('accepts a patch of common and kind fields', () => {
    expect(
      updateAlarmRuleSchema.parse({ enabled: false, escalationPolicyId: null, severity: 'low' }),
    ).toEqual({
      enabled: false,
      escalationPolicyId: null,
      severity: 'low',
    });
  });
  itRejects(updateAlarmRuleSchema, [
    { name: 'a change of kind', input: { kind: 'digital' }, path: [], message: 'Unrecognized key: "kind"' },
    { name: 'a change of tag', input: { tagId: ids.tag }, path: [], message: 'Unrecognized key: "tagId"' },
    {
      name: 'replacement levels out of order',
      input: {
        levels: [
          { level: 'lo', threshold: 10, severity: 'low' },
          { level: 'lolo', threshold: 12, severity: 'high' },
        ],
      },
      path: ['levels', 1, 'threshold'],
      message: 'lolo threshold (12) must be below lo (10)',
    },
    {
      name: 'text ordered with <=',
      input: { op: '<=', value: 'AUTO' },
      path: ['value'],
      message: 'must be a number for <=',
    },
  ]);
});

describe('acknowledgeAlarmSchema', () => {
  it('accepts an acknowledgement with or without a trimmed comment', () => {
    expect(acknowledgeAlarmSchema.parse({})).toEqual({});
    expect(acknowledgeAlarmSchema.parse({ comment: ' Crew dispatched ' })).toEqual({
      comment: 'Crew dispatched',
    });
  });
  itRejects(acknowledgeAlarmSchema, [
    {
      name: 'a comment over 1000 characters',
      input: { comment: 'c'.repeat(1001) },
      path: ['comment'],
      message: 'at most 1000 characters',
    },
    { name: 'an unknown field', input: { user: 'someone' }, path: [], message: 'Unrecognized key: "user"' },
  ]);
});

describe('shelveAlarmSchema', () => {
  it.each([
    ['for a number of minutes', { minutes: 60, reason: 'Sensor being replaced' }],
    ['until a date-time', { until: '2025-01-02T06:00:00Z', reason: 'Planned outage' }],
  ])('accepts shelving %s', (_case, input) => {
    expect(shelveAlarmSchema.parse(input)).toEqual(input);
  });
  itRejects(shelveAlarmSchema, [
    {
      name: 'shelving without a reason',
      input: { minutes: 60 },
      path: ['reason'],
      message: 'must say why the alarm is shelved',
    },
    {
      name: 'a blank reason',
      input: { minutes: 60, reason: '   ' },
      path: ['reason'],
      message: 'must say why',
    },
    {
      name: 'shelving with neither minutes nor until',
      input: { reason: 'x' },
      path: ['minutes'],
      message: 'give minutes (1-10080) or until',
    },
    {
      name: 'shelving with both minutes and until',
      input: { minutes: 5, until: created, reason: 'x' },
      path: ['until'],
      message: 'not both',
    },
    {
      name: 'shelving for 0 minutes',
      input: { minutes: 0, reason: 'x' },
      path: ['minutes'],
      message: 'must be 1-10080 minutes',
    },
    {
      name: 'shelving for more than a week',
      input: { minutes: 10_081, reason: 'x' },
      path: ['minutes'],
      message: 'at most 10080 minutes (a week)',
    },
    {
      name: 'an until that is not a date-time',
      input: { until: 'tomorrow', reason: 'x' },
      path: ['until'],
      message: 'ISO 8601 date-time',
    },
  ]);
});

// --- contacts, rotations, escalation -------------------------------------------------------------

describe('contactChannelSchema', () => {
  it.each([
    { type: 'sms', address: '+447700900123' },
    { type: 'voice', address: '+14155550100' },
    { type: 'webhook', address: 'https://hooks.example.com/plantwatch' },
    { type: 'webhook', address: 'http://localhost:8080/hook' },
    { type: 'webhook', address: 'http://127.0.0.1/hook' },
  ])('accepts $type to $address', (channel) => {
    expect(contactChannelSchema.parse(channel)).toEqual(channel);
  });
  it('lower-cases an e-mail address', () => {
    expect(contactChannelSchema.parse({ type: 'email', address: 'On.Call@Example.com' })).toEqual({
      type: 'email',
      address: 'on.call@example.com',
    });
  });
  const e164 = 'E.164 form such as +447700900123';
  const https = 'must be an https:// URL (http:// only for localhost or 127.0.0.1)';
  it('accepts a Telegram channel not linked yet, a linked one, and a WhatsApp number', () => {
    expect(contactChannelSchema.parse({ type: 'telegram' })).toEqual({ type: 'telegram' });
    expect(contactChannelSchema.parse({ type: 'telegram', address: '-1001234567' })).toEqual({
      type: 'telegram',
      address: '-1001234567',
    });
    expect(contactChannelSchema.parse({ type: 'whatsapp', address: '+5511987654321' })).toEqual({
      type: 'whatsapp',
      address: '+5511987654321',
    });
  });
  itRejects(contactChannelSchema, [
    {
      name: 'a phone number in the e-mail field',
      input: { type: 'email', address: '+44 7700 900123' },
      path: ['address'],
      message: 'is a phone number, not an e-mail address: put it in an "sms", "voice" or "whatsapp" channel',
    },
    {
      name: 'an e-mail address in the SMS field',
      input: { type: 'sms', address: 'fitter@example.com' },
      path: ['address'],
      message: 'is an e-mail address, not a phone number: put it in an "email" channel',
    },
    {
      name: 'an e-mail address as a WhatsApp number',
      input: { type: 'whatsapp', address: 'fitter@example.com' },
      path: ['address'],
      message: 'is an e-mail address, not a phone number',
    },
    {
      name: 'a Telegram user name instead of a chat id',
      input: { type: 'telegram', address: '@fitter' },
      path: ['address'],
      message: 'must be a Telegram chat id',
    },
    {
      name: 'a pager channel',
      input: { type: 'pager', address: '123' },
      path: ['type'],
      message: 'must be "sms", "voice", "email", "webhook", "telegram" or "whatsapp"',
    },
    {
      name: 'a national-format phone number',
      input: { type: 'sms', address: '07700 900123' },
      path: ['address'],
      message: e164,
    },
    {
      name: 'a number without its +',
      input: { type: 'voice', address: '447700900123' },
      path: ['address'],
      message: e164,
    },
    {
      name: 'a number of 7 digits',
      input: { type: 'sms', address: '+4477009' },
      path: ['address'],
      message: e164,
    },
    {
      name: 'a number of 16 digits',
      input: { type: 'sms', address: '+4477009001234567' },
      path: ['address'],
      message: e164,
    },
    {
      name: 'a number starting +0',
      input: { type: 'sms', address: '+0447700900123' },
      path: ['address'],
      message: e164,
    },
    {
      name: 'a phone number as an e-mail',
      input: { type: 'email', address: '+447700900123' },
      path: ['address'],
      message: 'e-mail address',
    },
    {
      name: 'a plain http webhook',
      input: { type: 'webhook', address: 'http://hooks.example.com/x' },
      path: ['address'],
      message: https,
    },
    {
      name: 'an http webhook to a host that only starts with localhost',
      input: { type: 'webhook', address: 'http://localhost.evil.example/x' },
      path: ['address'],
      message: https,
    },
    {
      name: 'an http webhook hiding its host behind 127.0.0.1@',
      input: { type: 'webhook', address: 'http://127.0.0.1@evil.example/x' },
      path: ['address'],
      message: https,
    },
    {
      name: 'a non-URL webhook',
      input: { type: 'webhook', address: 'hooks.example.com' },
      path: ['address'],
      message: https,
    },
    {
      name: 'a javascript: webhook',
      input: { type: 'webhook', address: 'javascript:alert(1)' },
      path: ['address'],
      message: https,
    },
    {
      name: 'a file: webhook',
      input: { type: 'webhook', address: 'file:///etc/passwd' },
      path: ['address'],
      message: https,
    },
  ]);
});

describe('createContactSchema and updateContactSchema', () => {
  it('keeps the channels in the order given', () => {
    const channels = [
      { type: 'voice', address: '+447700900123' },
      { type: 'sms', address: '+447700900123' },
      { type: 'email', address: 'ada@example.com' },
    ];
    expect(createContactSchema.parse({ name: 'Ada (standby)', channels })).toEqual({
      name: 'Ada (standby)',
      channels,
      language: 'en-GB',
    });
    expect(updateContactSchema.parse({ name: 'Ada' })).toEqual({ name: 'Ada' });
  });
  itRejects(createContactSchema, [
    {
      name: 'a contact with no channels',
      input: { name: 'Ada', channels: [] },
      path: ['channels'],
      message: 'at least one way to reach the contact',
    },
    {
      name: 'a bad number in the second channel',
      input: {
        name: 'Ada',
        channels: [
          { type: 'email', address: 'a@example.com' },
          { type: 'sms', address: '12' },
        ],
      },
      path: ['channels', 1, 'address'],
      message: 'E.164',
    },
  ]);
  itRejects(updateContactSchema, [
    {
      name: 'emptying the channels',
      input: { channels: [] },
      path: ['channels'],
      message: 'at least one way to reach the contact',
    },
  ]);
});

describe('createOnCallRotationSchema', () => {
  const weekly = {
    name: 'Network control',
    timeZone: 'Europe/London',
    handoffTime: '08:00',
    period: 'weekly',
    handoffDay: 1,
    members: [ids.contact, ids.contact2],
  };
  it('accepts a weekly rotation and defaults overrides to none', () => {
    expect(createOnCallRotationSchema.parse(weekly)).toEqual({ ...weekly, overrides: [] });
  });
  it("accepts a daily rotation in the tenant's time zone with a holiday override", () => {
    const daily = {
      name: 'Standby',
      handoffTime: '17:30',
      period: 'daily',
      members: [ids.contact],
      overrides: [
        { contactId: ids.contact2, from: '2025-08-01T17:30:00+01:00', to: '2025-08-08T17:30:00+01:00' },
      ],
    };
    expect(createOnCallRotationSchema.parse(daily)).toEqual(daily);
  });
  itRejects(createOnCallRotationSchema, [
    {
      name: 'a weekly rotation without a hand-off day',
      input: { ...weekly, handoffDay: undefined },
      path: ['handoffDay'],
      message: 'a weekly rotation needs handoffDay',
    },
    {
      name: 'a daily rotation with a hand-off day',
      input: { ...weekly, period: 'daily' },
      path: ['handoffDay'],
      message: 'is only for weekly rotations',
    },
    {
      name: 'a hand-off day of 7',
      input: { ...weekly, handoffDay: 7 },
      path: ['handoffDay'],
      message: '0 (Sunday) to 6 (Saturday)',
    },
    {
      name: 'a hand-off time of 24:00',
      input: { ...weekly, handoffTime: '24:00' },
      path: ['handoffTime'],
      message: 'HH:MM (24-hour), such as 08:00',
    },
    {
      name: 'a hand-off time without a leading zero',
      input: { ...weekly, handoffTime: '8:00' },
      path: ['handoffTime'],
      message: 'HH:MM',
    },
    {
      name: 'a monthly period',
      input: { ...weekly, period: 'monthly' },
      path: ['period'],
      message: 'must be "daily" or "weekly"',
    },
    {
      name: 'a rotation with nobody in it',
      input: { ...weekly, members: [] },
      path: ['members'],
      message: 'at least one contact',
    },
    {
      name: 'an unknown time zone',
      input: { ...weekly, timeZone: 'Europe/Londres' },
      path: ['timeZone'],
      message: 'IANA',
    },
    {
      name: 'an override that ends before it starts',
      input: {
        ...weekly,
        overrides: [{ contactId: ids.contact, from: '2025-08-08T00:00:00Z', to: '2025-08-01T00:00:00Z' }],
      },
      path: ['overrides', 0, 'to'],
      message: 'must be after from',
    },
  ]);
});

describe('updateOnCallRotationSchema', () => {
  it('accepts switching to daily while clearing the hand-off day', () => {
    expect(updateOnCallRotationSchema.parse({ period: 'daily', handoffDay: null })).toEqual({
      period: 'daily',
      handoffDay: null,
    });
  });
  itRejects(updateOnCallRotationSchema, [
    {
      name: 'switching to daily while setting a hand-off day',
      input: { period: 'daily', handoffDay: 3 },
      path: ['handoffDay'],
      message: 'only for weekly',
    },
    {
      name: 'emptying the members',
      input: { members: [] },
      path: ['members'],
      message: 'at least one contact',
    },
  ]);
});

describe('createEscalationPolicySchema', () => {
  const policy = {
    name: 'Wastewater out of hours',
    levels: [
      {
        delayMinutes: 0,
        targets: [{ type: 'rotation', rotationId: ids.rotation }],
        channels: ['sms', 'voice'],
      },
      { delayMinutes: 15, targets: [{ type: 'contact', contactId: ids.contact }] },
    ],
  };
  it('accepts ordered levels and defaults repeat to 0', () => {
    expect(createEscalationPolicySchema.parse(policy)).toEqual({ ...policy, repeat: 0, repeatBackoff: null });
  });
  const level = policy.levels[1];
  itRejects(createEscalationPolicySchema, [
    {
      name: 'a policy with no levels',
      input: { ...policy, levels: [] },
      path: ['levels'],
      message: 'at least one level',
    },
    {
      name: 'a policy with 11 levels',
      input: { ...policy, levels: Array.from({ length: 11 }, () => level) },
      path: ['levels'],
      message: 'at most 10 levels',
    },
    {
      name: 'a repeat count of 11',
      input: { ...policy, repeat: 11 },
      path: ['repeat'],
      message: 'must be 0-10',
    },
    {
      name: 'a level with no targets',
      input: { ...policy, levels: [{ ...level, targets: [] }] },
      path: ['levels', 0, 'targets'],
      message: 'at least one contact or rotation',
    },
    {
      name: 'a delay over a day',
      input: { ...policy, levels: [{ ...level, delayMinutes: 1441 }] },
      path: ['levels', 0, 'delayMinutes'],
      message: 'at most a day',
    },
    {
      name: 'a negative delay',
      input: { ...policy, levels: [{ ...level, delayMinutes: -1 }] },
      path: ['levels', 0, 'delayMinutes'],
      message: 'must be 0-1440 minutes',
    },
    {
      name: 'a team target',
      input: { ...policy, levels: [{ ...level, targets: [{ type: 'team', teamId: ids.contact }] }] },
      path: ['levels', 0, 'targets', 0, 'type'],
      message: 'must be "contact" or "rotation"',
    },
    {
      name: 'a contact target without its id',
      input: { ...policy, levels: [{ ...level, targets: [{ type: 'contact' }] }] },
      path: ['levels', 0, 'targets', 0, 'contactId'],
      message: /expected string|UUID/,
    },
    {
      name: 'an empty channel list',
      input: { ...policy, levels: [{ ...level, channels: [] }] },
      path: ['levels', 0, 'channels'],
      message: 'leave channels out to use all of them',
    },
    {
      name: 'a channel listed twice',
      input: { ...policy, levels: [{ ...level, channels: ['sms', 'sms'] }] },
      path: ['levels', 0, 'channels'],
      message: 'each channel once',
    },
    {
      name: 'a fax channel',
      input: { ...policy, levels: [{ ...level, channels: ['fax'] }] },
      path: ['levels', 0, 'channels', 0],
      message: 'must be "sms", "voice", "email", "webhook", "telegram" or "whatsapp"',
    },
  ]);
});

describe('updateEscalationPolicySchema', () => {
  it('accepts a new repeat count alone', () => {
    expect(updateEscalationPolicySchema.parse({ repeat: 3 })).toEqual({ repeat: 3 });
  });
  itRejects(updateEscalationPolicySchema, [
    { name: 'emptying the levels', input: { levels: [] }, path: ['levels'], message: 'at least one level' },
    { name: 'a fractional repeat count', input: { repeat: 1.5 }, path: ['repeat'], message: 'whole number' },
  ]);
});

// --- reports -------------------------------------------------------------------------------------

describe('createReportScheduleSchema', () => {
  const report = {
    name: 'Daily flows',
    scope: { siteIds: [ids.site] },
    period: 'last-day',
    recipients: ['Manager@Example.com'],
    schedule: { kind: 'daily' },
  };
  it('fills the defaults: hourly buckets, avg/min/max, PDF, 06:00, enabled', () => {
    expect(createReportScheduleSchema.parse(report)).toEqual({
      name: 'Daily flows',
      scope: { siteIds: [ids.site], deviceIds: [], tagIds: [], assetIds: [] },
      period: 'last-day',
      bucket: 'hour',
      metrics: ['avg', 'min', 'max'],
      sections: ['summary', 'trends', 'table'],
      formats: ['pdf'],
      recipients: ['manager@example.com'],
      schedule: { kind: 'daily', at: '06:00' },
      enabled: true,
    });
  });
  it.each([
    ['hourly at a minute past', { kind: 'hourly', minute: 5 }, { kind: 'hourly', minute: 5 }],
    [
      'weekly on Monday',
      { kind: 'weekly', dayOfWeek: 1, at: '07:30' },
      { kind: 'weekly', dayOfWeek: 1, at: '07:30' },
    ],
    [
      'monthly on the 1st',
      { kind: 'monthly', dayOfMonth: 1 },
      { kind: 'monthly', dayOfMonth: 1, at: '06:00' },
    ],
    [
      'by cron, weekdays at 06:15',
      { kind: 'cron', expression: '15 6 * * MON-FRI' },
      { kind: 'cron', expression: '15 6 * * MON-FRI' },
    ],
  ])('accepts a schedule %s', (_case, schedule, expected) => {
    expect(createReportScheduleSchema.parse({ ...report, schedule }).schedule).toEqual(expected);
  });
  it('accepts a fixed period for a one-off commissioning report', () => {
    const period = { from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
    expect(createReportScheduleSchema.parse({ ...report, period }).period).toEqual(period);
  });
  itRejects(createReportScheduleSchema, [
    {
      name: 'an empty scope',
      input: { ...report, scope: {} },
      path: ['scope'],
      message: 'at least one site, asset, device or tag',
    },
    {
      name: 'an unknown period',
      input: { ...report, period: 'yesterday' },
      path: ['period'],
      message: 'must be "last-day", "last-week", "last-month" or { from, to }',
    },
    {
      name: 'a fixed period that ends before it starts',
      input: { ...report, period: { from: '2025-04-01T00:00:00Z', to: '2025-03-01T00:00:00Z' } },
      path: ['period', 'to'],
      message: 'must be after from',
    },
    {
      name: 'a minute bucket',
      input: { ...report, bucket: 'minute' },
      path: ['bucket'],
      message: 'must be "hour" or "day"',
    },
    {
      name: 'no metrics',
      input: { ...report, metrics: [] },
      path: ['metrics'],
      message: 'at least one metric',
    },
    {
      name: 'an unknown metric',
      input: { ...report, metrics: ['median'] },
      path: ['metrics', 0],
      message: 'must be one of "avg", "min", "max", "last", "difference"',
    },
    {
      name: 'a metric listed twice',
      input: { ...report, metrics: ['avg', 'avg'] },
      path: ['metrics'],
      message: 'each metric once',
    },
    {
      name: 'no sections',
      input: { ...report, sections: [] },
      path: ['sections'],
      message: 'at least one section',
    },
    {
      name: 'a Word format',
      input: { ...report, formats: ['docx'] },
      path: ['formats', 0],
      message: 'must be one of "pdf", "xlsx", "csv"',
    },
    {
      name: 'no recipients',
      input: { ...report, recipients: [] },
      path: ['recipients'],
      message: 'at least one recipient',
    },
    {
      name: '51 recipients',
      input: { ...report, recipients: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) },
      path: ['recipients'],
      message: 'at most 50 recipients',
    },
    {
      name: 'the same recipient twice in different case',
      input: { ...report, recipients: ['a@example.com', 'A@Example.com'] },
      path: ['recipients', 1],
      message: 'a@example.com is listed more than once',
    },
    {
      name: 'a recipient that is not an e-mail',
      input: { ...report, recipients: ['manager'] },
      path: ['recipients', 0],
      message: 'e-mail address',
    },
    {
      name: 'a weekly schedule without its day',
      input: { ...report, schedule: { kind: 'weekly' } },
      path: ['schedule', 'dayOfWeek'],
      message: 'day of the week',
    },
    {
      name: 'a monthly schedule on the 31st',
      input: { ...report, schedule: { kind: 'monthly', dayOfMonth: 31 } },
      path: ['schedule', 'dayOfMonth'],
      message: '1-28 (every month has those)',
    },
    {
      name: 'a daily schedule at 6am written loosely',
      input: { ...report, schedule: { kind: 'daily', at: '6am' } },
      path: ['schedule', 'at'],
      message: 'HH:MM',
    },
    {
      name: 'a day of the week on a daily schedule',
      input: { ...report, schedule: { kind: 'daily', dayOfWeek: 1 } },
      path: ['schedule'],
      message: 'Unrecognized key: "dayOfWeek"',
    },
    {
      name: 'an hourly schedule at minute 60',
      input: { ...report, schedule: { kind: 'hourly', minute: 60 } },
      path: ['schedule', 'minute'],
      message: 'minute past the hour, 0-59',
    },
    {
      name: 'a fortnightly schedule',
      input: { ...report, schedule: { kind: 'fortnightly' } },
      path: ['schedule', 'kind'],
      message: 'must be "hourly", "daily", "weekly", "monthly" or "cron"',
    },
    {
      name: 'a 6-field cron expression',
      input: { ...report, schedule: { kind: 'cron', expression: '0 0 6 * * *' } },
      path: ['schedule', 'expression'],
      message: '5-field cron expression',
    },
    {
      name: 'a time zone abbreviation',
      input: { ...report, timeZone: 'CET1' },
      path: ['timeZone'],
      message: 'IANA',
    },
  ]);
});

describe('cron expressions', () => {
  it.each([
    '0 6 * * 1',
    '30 */2 * * *',
    '0 6 1,15 * *',
    '0 7 * JAN-MAR,OCT mon-fri',
    '0 0 * * 7',
    '  0   6 * * *  ',
  ])('accepts %s', (expression) => {
    expect(cronExpressionProblem(expression)).toBeNull();
  });
  it.each([
    ['four fields', '0 6 * *', 'it has 4 field(s)'],
    ['an hour of 24', '0 24 * * *', 'hour field "24" must use values 0-23'],
    ['a day of month of 0', '0 6 0 * *', 'day-of-month field "0" must use values 1-31'],
    ['a month of 13', '0 6 * 13 *', 'month field "13" must use values 1-12'],
    ['an unknown day name', '0 6 * * FUN', 'day-of-week field "FUN" must use values 0-7'],
    ['a backwards range', '0 18-6 * * *', 'hour field "18-6" has a range that runs backwards'],
    ['a step of 0', '0 */0 * * *', 'hour field "*/0" has a step of 0'],
    ['Quartz extensions', '0 6 L * ?', 'day-of-month field "L" must use values 1-31'],
    ['every minute, which would flood inboxes', '* * * * *', 'a report runs at most once an hour'],
    ['every 5 minutes', '*/5 * * * *', 'a report runs at most once an hour'],
    ['shell metacharacters', '0 6 * * 1;rm', 'day-of-week field "1;rm" is not valid cron'],
  ])('explains %s', (_case, expression, problem) => {
    expect(cronExpressionProblem(expression)).toMatch(problem);
  });
});

describe('updateReportScheduleSchema', () => {
  it('accepts disabling a report and replacing its recipients', () => {
    expect(updateReportScheduleSchema.parse({ enabled: false, recipients: ['Ops@example.com'] })).toEqual({
      enabled: false,
      recipients: ['ops@example.com'],
    });
  });
  itRejects(updateReportScheduleSchema, [
    {
      name: 'a scope emptied of everything',
      input: { scope: { siteIds: [], deviceIds: [], tagIds: [] } },
      path: ['scope'],
      message: 'at least one site, asset, device or tag',
    },
    { name: 'no formats', input: { formats: [] }, path: ['formats'], message: 'at least one format' },
    {
      name: 'an invalid cron schedule',
      input: { schedule: { kind: 'cron', expression: '0 25 * * *' } },
      path: ['schedule', 'expression'],
      message: 'hour field "25"',
    },
  ]);
});

// --- records the API returns ---------------------------------------------------------------------

describe('output schemas', () => {
  it.each([
    [
      'an alarm rule',
      alarmRuleSchema,
      {
        kind: 'commLoss',
        id: ids.rule,
        tenantId: ids.tenant,
        siteId: ids.site,
        tagId: null,
        deviceId: ids.device,
        gatewayId: ids.gateway,
        scope: 'device',
        afterSeconds: 60,
        severity: 'high',
        name: 'PLC lost',
        description: '',
        deadband: 0,
        onDelayMs: 0,
        offDelayMs: 0,
        enabled: true,
        escalationPolicyId: ids.policy,
        repageHoldOffMinutes: 15,
        createdAt: created,
        updatedAt: created,
      },
    ],
    [
      'a shelved HiHi alarm',
      alarmSchema,
      {
        id: ids.alarm,
        tenantId: ids.tenant,
        ruleId: ids.rule,
        siteId: ids.site,
        tagId: ids.tag,
        level: 'hihi',
        name: 'Wet well level HiHi',
        severity: 'critical',
        state: 'active-acked',
        shelved: true,
        shelvedUntil: '2025-01-01T08:00:00Z',
        outOfService: false,
        value: 96.2,
        activeSince: created,
        clearedAt: null,
        updatedAt: created,
      },
    ],
    [
      'an acknowledgement by SMS reply',
      alarmEventSchema,
      {
        id: ids.event,
        tenantId: ids.tenant,
        alarmId: ids.alarm,
        ruleId: ids.rule,
        siteId: ids.site,
        at: created,
        from: 'active-unacked',
        to: 'active-acked',
        kind: 'acknowledged',
        by: { type: 'contact', id: ids.contact, name: 'Ada' },
        channel: 'sms',
        comment: 'ACK',
      },
    ],
    [
      'a contact',
      contactSchema,
      {
        id: ids.contact,
        tenantId: ids.tenant,
        name: 'Ada',
        channels: [{ type: 'sms', address: '+447700900123' }],
        language: 'pt-BR',
        createdAt: created,
        updatedAt: created,
      },
    ],
    [
      'a daily rotation',
      onCallRotationSchema,
      {
        id: ids.rotation,
        tenantId: ids.tenant,
        name: 'Standby',
        timeZone: 'Europe/London',
        handoffTime: '08:00',
        period: 'daily',
        handoffDay: null,
        members: [ids.contact],
        overrides: [],
        createdAt: created,
        updatedAt: created,
      },
    ],
    [
      'an escalation policy',
      escalationPolicySchema,
      {
        id: ids.policy,
        tenantId: ids.tenant,
        name: 'Default',
        repeat: 1,
        repeatBackoff: { factor: 2, maxDelayMinutes: 120 },
        levels: [{ delayMinutes: 0, targets: [{ type: 'contact', contactId: ids.contact }] }],
        createdAt: created,
        updatedAt: created,
      },
    ],
    [
      'a report schedule',
      reportScheduleSchema,
      {
        id: id(20),
        tenantId: ids.tenant,
        name: 'Weekly energy',
        scope: { siteIds: [], deviceIds: [ids.device], tagIds: [], assetIds: [] },
        period: 'last-week',
        bucket: 'day',
        metrics: ['difference'],
        sections: ['summary', 'table'],
        formats: ['xlsx', 'csv'],
        recipients: ['energy@example.com'],
        schedule: { kind: 'weekly', dayOfWeek: 1, at: '06:00' },
        timeZone: 'Europe/Berlin',
        enabled: true,
        ownerUserId: id(21),
        createdBy: { type: 'user', id: id(21), name: 'Energy manager' },
        createdAt: created,
        updatedAt: created,
      },
    ],
  ])('describes %s as stored', (_case, schema: z.ZodType, record) => {
    expect(schema.parse(record)).toEqual(record);
  });
});

describe('OpenAPI components', () => {
  const components = Object.entries(shared).flatMap(([name, value]) => {
    if (!(value instanceof z.ZodType)) return [];
    const id = value.meta()?.id;
    return typeof id === 'string' ? [{ name, id, schema: value }] : [];
  });

  it('gives every component a PascalCase id, each used once', () => {
    const componentIds = components.map((c) => c.id);
    expect(new Set(componentIds).size).toBe(componentIds.length);
    for (const componentId of componentIds) expect(componentId).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(componentIds).toEqual(
      expect.arrayContaining([
        'TelemetryMessage',
        'GatewayStatus',
        'CreateAlarmRule',
        'AlarmEvent',
        'CreateReportSchedule',
      ]),
    );
  });

  it.each(components.map((c) => [c.name, c.id, c.schema] as const))(
    'converts %s to JSON Schema for requests',
    (_name, componentId, schema) => {
      expect(z.toJSONSchema(schema, { io: 'input' })).toHaveProperty(['$defs', componentId]);
    },
  );

  // Request bodies may transform (e-mail addresses are lower-cased); what the API returns must not,
  // or the response half of the OpenAPI document cannot be generated.
  const requestOnly =
    /^(Create|Update)|^(SignUp|Login|InviteUser|AcceptInvite|AcknowledgeAlarm|ShelveAlarm|ContactChannel|EmailOnly)$/;
  it.each(components.filter((c) => !requestOnly.test(c.id)).map((c) => [c.name, c.id, c.schema] as const))(
    'converts %s to JSON Schema for responses',
    (_name, componentId, schema) => {
      expect(z.toJSONSchema(schema, { io: 'output' })).toHaveProperty(['$defs', componentId]);
    },
  );
});
