import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import {
  configTopic,
  gatewayTopicPrefixes,
  parseTopic,
  requestTopic,
  responseTopic,
  statusTopic,
  telemetryTopic,
  topicAllowedForGateway,
} from './topics.ts';

const ids = {
  tenantId: '0190d5e4-7c3b-7e8a-9f1e-3a2b4c5d6e7f',
  siteId: '0190d5e4-7c3b-7e8a-9f1e-3a2b4c5d6e80',
  gatewayId: '0190d5e4-7c3b-7e8a-9f1e-3a2b4c5d6e81',
};
const path = `${ids.tenantId}/${ids.siteId}/${ids.gatewayId}`;
const gw1 = { tenantId: 't', siteId: 's', gatewayId: 'gw-1' };

describe('topic builders', () => {
  it.each([
    ['telemetry', telemetryTopic, `dt/${path}/telemetry`],
    ['status', statusTopic, `dt/${path}/status`],
    ['config', configTopic, `cmd/${path}/config`],
    ['request', requestTopic, `cmd/${path}/request`],
    ['response', responseTopic, `dt/${path}/response`],
  ] as const)('builds the %s topic from the gateway ids', (_kind, build, expected) => {
    expect(build(ids)).toBe(expected);
  });

  it.each([
    ['a "/" in the tenant id', { ...ids, tenantId: 'a/b' }, 'tenantId "a/b"'],
    ['a "+" in the site id', { ...ids, siteId: '+' }, 'siteId "+"'],
    ['a "#" in the gateway id', { ...ids, gatewayId: 'gw#' }, 'gatewayId "gw#"'],
    ['an empty gateway id', { ...ids, gatewayId: '' }, 'gatewayId ""'],
    ['a NUL in the tenant id', { ...ids, tenantId: 'a\u0000b' }, 'tenantId "a\\u0000b"'],
    ['a space in the site id', { ...ids, siteId: 'site 1' }, 'siteId "site 1"'],
    ['a gateway id over 64 characters', { ...ids, gatewayId: 'g'.repeat(65) }, 'gatewayId "ggg'],
  ])('refuses %s with an error naming the field', (_case, badIds, named) => {
    const build = () => telemetryTopic(badIds);
    expect(build).toThrow(InvalidInputError);
    expect(build).toThrow(named);
    expect(build).toThrow('"/", "+" and "#" have a meaning in MQTT topics');
  });

  it('refuses an id that is not a string at all', () => {
    const badIds = { ...ids, siteId: 42 } as unknown as typeof ids;
    expect(() => statusTopic(badIds)).toThrow('siteId 42 cannot be used in an MQTT topic');
  });
});

describe('parseTopic', () => {
  it.each([
    [`dt/${path}/telemetry`, 'telemetry'],
    [`dt/${path}/status`, 'status'],
    [`cmd/${path}/config`, 'config'],
    [`cmd/${path}/request`, 'request'],
    [`dt/${path}/response`, 'response'],
  ] as const)('reads %s as a %s topic with its ids', (topic, kind) => {
    expect(parseTopic(topic)).toEqual({ kind, ...ids });
  });

  it('round-trips every topic the builders make', () => {
    for (const build of [telemetryTopic, statusTopic, configTopic, requestTopic, responseTopic]) {
      expect(parseTopic(build(gw1))).toMatchObject(gw1);
    }
  });

  it.each([
    ['a single-level wildcard', 'dt/+/s/g/telemetry'],
    ['a multi-level wildcard', 'dt/t/s/#'],
    ['a wildcard in place of the kind', 'dt/t/s/g/+'],
    ['an empty segment', 'dt/t//g/telemetry'],
    ['an extra segment', 'dt/t/s/g/telemetry/extra'],
    ['a trailing slash', 'dt/t/s/g/telemetry/'],
    ['a leading slash', '/dt/t/s/g/telemetry'],
    ['a missing segment', 'dt/t/s/telemetry'],
    ['an unknown prefix', 'data/t/s/g/telemetry'],
    ['an unknown kind', 'dt/t/s/g/events'],
    ['config under the data prefix', 'dt/t/s/g/config'],
    ['telemetry under the command prefix', 'cmd/t/s/g/telemetry'],
    ['a request under the data prefix', 'dt/t/s/g/request'],
    ['a response under the command prefix', 'cmd/t/s/g/response'],
    ['an upper-case prefix', 'DT/t/s/g/telemetry'],
    ['a system topic', '$aws/things/g/shadow/update'],
    ['a NUL inside an id', 'dt/t\u0000/s/g/telemetry'],
    ['a space inside an id', 'dt/t 1/s/g/telemetry'],
    ['the empty string', ''],
  ])('returns null for %s', (_case, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });
});

describe('gateway topic authorisation', () => {
  it('gives a gateway its data and command prefixes, each closed by a slash', () => {
    expect(gatewayTopicPrefixes(gw1)).toEqual({ data: 'dt/t/s/gw-1/', command: 'cmd/t/s/gw-1/' });
  });

  it.each(['dt/t/s/gw-1/telemetry', 'dt/t/s/gw-1/status', 'cmd/t/s/gw-1/config'])(
    'lets gateway gw-1 use its own topic %s',
    (topic) => {
      expect(topicAllowedForGateway(topic, gw1)).toBe(true);
    },
  );

  it.each([
    ['another gateway whose id starts with the same characters', 'dt/t/s/gw-10/telemetry'],
    ['another gateway on the same site', 'dt/t/s/gw-2/telemetry'],
    ['the same gateway id under another site', 'dt/t/s2/gw-1/telemetry'],
    ['the same gateway id under another tenant', 'dt/t2/s/gw-1/telemetry'],
    ['a single-level wildcard for the gateway', 'dt/t/s/+/telemetry'],
    ['a multi-level wildcard under its own prefix', 'dt/t/s/gw-1/#'],
    ['a single-level wildcard under its own prefix', 'cmd/t/s/gw-1/+'],
    ['a wildcard inside a level', 'dt/t/s/gw-1/tele+metry'],
    ['a wildcard for the whole tree', '#'],
    ['its bare prefix', 'dt/t/s/gw-1/'],
    ['its prefix without the slash', 'dt/t/s/gw-1'],
    ['an empty level under its prefix', 'dt/t/s/gw-1//telemetry'],
    ['a NUL under its prefix', 'dt/t/s/gw-1/telemetry\u0000'],
    ['a topic with a leading slash', '/dt/t/s/gw-1/telemetry'],
    ['a topic over 256 characters', `dt/t/s/gw-1/${'a'.repeat(250)}`],
    ['a topic over 256 UTF-8 bytes but under 256 characters', `dt/t/s/gw-1/${'é'.repeat(125)}`],
  ])('refuses %s', (_case, topic) => {
    expect(topicAllowedForGateway(topic, gw1)).toBe(false);
  });

  it('throws instead of authorising anything for a gateway whose ids are unusable in a topic', () => {
    expect(() => topicAllowedForGateway('dt/t/s/#/telemetry', { ...gw1, gatewayId: '#' })).toThrow(
      InvalidInputError,
    );
    expect(() => gatewayTopicPrefixes({ ...gw1, tenantId: '+' })).toThrow('tenantId "+"');
  });
});
