// Commands through a gateway over the real config store (PGlite). The "gateway" here answers the
// published request by handing its numbered parts to recordCommandResponse, as ingest does with
// what arrives on dt/.../response; the real gateway process is in infra/local's end-to-end test.
import {
  type GatewayCommandRequest,
  GatewayTimeoutError,
  InvalidInputError,
  requestTopic,
  UnavailableError,
} from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigStore } from '../compose/config-store.ts';
import * as plant from '../plant/plant.ts';
import { modbusTag, openPlantTestbed, type PlantUseCases } from '../plant/testing/use-cases.ts';
import { uuidV7Ids } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import {
  browseDevice,
  type GatewayCommandDeps,
  joinParts,
  listGatewayCommands,
  readDeviceOnce,
  recordCommandResponse,
} from './commands.ts';

type Answer = (request: GatewayCommandRequest) => { chunks: string[]; order?: number[] } | null;

describe('commands through a gateway', () => {
  let store: ConfigStore;
  let harness: PlantUseCases;
  let now = Date.parse('2026-12-01T08:00:00Z');
  const clock = { now: () => new Date(now) };
  const sent: { topic: string; request: GatewayCommandRequest }[] = [];
  let refuse: string | null = null;
  let answer: Answer = () => null;
  let site: { tenantId: string; siteId: string; gatewayId: string; engineer: Principal };

  const deps = (): GatewayCommandDeps => ({
    store,
    ids: uuidV7Ids,
    clock,
    // Waiting moves the clock: a 15 s deadline passes without 15 s of test.
    answerWait: {
      sleep: async (ms) => {
        now += ms;
      },
    },
    commandPublisher: {
      async publish({ topic, payload }) {
        if (refuse) throw new Error(refuse);
        const request = JSON.parse(payload) as GatewayCommandRequest;
        sent.push({ topic, request });
        const reply = answer(request);
        if (!reply) return;
        const parts = reply.chunks.map((chunk, part) => ({
          v: 1 as const,
          id: request.id,
          part,
          parts: reply.chunks.length,
          chunk,
        }));
        for (const index of reply.order ?? parts.map((_, i) => i)) {
          const part = parts[index];
          if (part) await recordCommandResponse({ store }, site, part, now);
        }
      },
    },
  });

  beforeAll(async () => {
    ({ store, harness } = await openPlantTestbed());
    const made = await harness.newSite('commands');
    site = {
      tenantId: made.engineer.tenantId,
      siteId: made.site.id,
      gatewayId: made.gateway.id,
      engineer: made.engineer,
    };
  });
  afterAll(async () => {
    await store.close();
  });

  async function deviceWithTags(key: string) {
    const device = await harness.newModbusDevice(site.engineer, site.gatewayId, key);
    const level = await plant.createTag(harness.deps, site.engineer, {
      deviceId: device.id,
      ...modbusTag('level', 0, { unit: 'm' }),
    });
    const fault = await plant.createTag(harness.deps, site.engineer, {
      deviceId: device.id,
      ...modbusTag('fault', 7, { bit: 3 }),
    });
    return { device, level, fault };
  }

  it('sends read-once with the device and its tags, and joins an answer in parts, whatever their order', async () => {
    const { device, level, fault } = await deviceWithTags('plc-read');
    const outcome = JSON.stringify({
      ok: true,
      result: {
        device: 'plc-read',
        reachable: true,
        tookMs: 12,
        tags: [
          { tag: 'level', value: 1.5, quality: 'good', ts: now, error: null },
          {
            tag: 'fault',
            value: null,
            quality: null,
            ts: null,
            error: 'Modbus exception 2: illegal data address',
          },
        ],
      },
    });
    answer = () => ({
      chunks: [outcome.slice(0, 40), outcome.slice(40, 90), outcome.slice(90)],
      order: [2, 0, 2, 1],
    });

    const result = await readDeviceOnce(deps(), site.engineer, device.id, { timeoutSeconds: 15 });

    const request = sent.at(-1);
    expect(request?.topic).toBe(requestTopic(site));
    expect(request?.request).toMatchObject({
      v: 1,
      kind: 'read-once',
      deadline: expect.any(Number),
      params: {
        device: {
          id: 'plc-read',
          enabled: true,
          tags: [expect.objectContaining({ id: 'fault', bit: 3 }), expect.objectContaining({ id: 'level' })],
        },
      },
    });
    expect(result).toMatchObject({
      commandId: request?.request.id,
      reachable: true,
      tags: [
        { tagId: fault.id, key: 'fault', value: null, error: 'Modbus exception 2: illegal data address' },
        { tagId: level.id, key: 'level', unit: 'm', value: 1.5, quality: 'good', error: null },
      ],
    });
    const [audit] = await listGatewayCommands(deps(), site.engineer, site.gatewayId);
    expect(audit).toMatchObject({
      id: result.commandId,
      kind: 'read-once',
      deviceId: device.id,
      status: 'answered',
      requestedBy: { type: 'user', id: site.engineer.userId },
    });
  });

  it("passes the gateway's own error on, naming it, and records the command as failed", async () => {
    const device = await plant.createDevice(harness.deps, site.engineer, {
      gatewayId: site.gatewayId,
      key: 'drive',
      name: 'Drive',
      description: '',
      enabled: true,
      connection: {
        protocol: 'opcua',
        endpoint: 'opc.tcp://10.0.0.6:4840',
        securityMode: 'None',
        securityPolicy: 'None',
        mode: 'subscribe',
        publishMs: 1000,
        pollMs: 1000,
      },
      heartbeatMs: 60_000,
    });
    answer = () => ({ chunks: [JSON.stringify({ ok: false, error: 'connect ECONNREFUSED 10.0.0.6:4840' })] });

    const attempt = browseDevice(deps(), site.engineer, device.id, {
      depth: 2,
      maxNodes: 100,
      timeoutSeconds: 15,
    });

    await expect(attempt).rejects.toThrow(InvalidInputError);
    await expect(attempt).rejects.toThrow('the gateway could not do it: connect ECONNREFUSED 10.0.0.6:4840');
    expect(sent.at(-1)?.request).toMatchObject({
      kind: 'browse',
      params: { endpoint: 'opc.tcp://10.0.0.6:4840', depth: 2, maxNodes: 100, securityMode: 'None' },
    });
    const audit = await listGatewayCommands(deps(), site.engineer, site.gatewayId);
    expect(audit.filter((c) => c.kind === 'browse').map((c) => [c.status, c.error])).toEqual([
      ['failed', 'connect ECONNREFUSED 10.0.0.6:4840'],
    ]);
  });

  it('says 504 when no answer comes before the deadline, and records it as timed out', async () => {
    const { device } = await deviceWithTags('plc-silent');
    answer = () => null;
    const started = now;

    const attempt = readDeviceOnce(deps(), site.engineer, device.id, { timeoutSeconds: 3 });

    await expect(attempt).rejects.toThrow(GatewayTimeoutError);
    expect(now - started).toBe(3_000);
    const [audit] = await listGatewayCommands(deps(), site.engineer, site.gatewayId);
    expect(audit).toMatchObject({
      status: 'timed-out',
      error: expect.stringContaining('no answer from the gateway within 3 s'),
    });
  });

  it('says 503 when the broker does not take the request, and records it as not sent', async () => {
    const { device } = await deviceWithTags('plc-nobroker');
    refuse = 'connect ECONNREFUSED 127.0.0.1:8883';
    try {
      await expect(readDeviceOnce(deps(), site.engineer, device.id, { timeoutSeconds: 5 })).rejects.toThrow(
        UnavailableError,
      );
    } finally {
      refuse = null;
    }
    const [audit] = await listGatewayCommands(deps(), site.engineer, site.gatewayId);
    expect(audit).toMatchObject({ status: 'not-sent', error: expect.stringContaining('ECONNREFUSED') });
  });

  it('refuses what cannot be sent: browsing a Modbus device, reading a device without tags', async () => {
    const bare = await harness.newModbusDevice(site.engineer, site.gatewayId, 'plc-bare');
    const before = sent.length;
    await expect(
      browseDevice(deps(), site.engineer, bare.id, { depth: 1, maxNodes: 10, timeoutSeconds: 5 }),
    ).rejects.toThrow('only an OPC UA or Sparkplug B device can be browsed; plc-bare is modbus-tcp');
    await expect(readDeviceOnce(deps(), site.engineer, bare.id, { timeoutSeconds: 5 })).rejects.toThrow(
      'device plc-bare has no tags to read yet',
    );
    expect(sent.length).toBe(before);
  });

  it("keeps no part of an answer that names another gateway's command", async () => {
    const other = await harness.newSite('commands-other');
    const { device } = await deviceWithTags('plc-theirs');
    answer = () => ({
      chunks: [
        JSON.stringify({ ok: true, result: { device: 'plc-theirs', reachable: true, tookMs: 1, tags: [] } }),
      ],
    });
    const { commandId } = await readDeviceOnce(deps(), site.engineer, device.id, { timeoutSeconds: 5 });

    const stored = await recordCommandResponse(
      { store },
      { tenantId: other.engineer.tenantId, gatewayId: other.gateway.id },
      { v: 1, id: commandId, part: 0, parts: 1, chunk: '{}' },
      now,
    );
    expect(stored).toBe(false);
  });
});

describe('joining the parts of an answer', () => {
  it('waits for every part, and joins them in order', () => {
    const parts = [
      { part: 1, parts: 3, chunk: 'b' },
      { part: 0, parts: 3, chunk: 'a' },
    ];
    expect(joinParts(parts)).toBeNull();
    expect(joinParts([...parts, { part: 2, parts: 3, chunk: 'c' }])).toBe('abc');
    expect(joinParts([])).toBeNull();
  });
});
