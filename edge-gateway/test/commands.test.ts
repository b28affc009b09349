// The gateway's answers to the cloud's commands: read-once against a real Modbus TCP server that
// refuses some addresses (each tag gets its value or its own error), against no server at all, and
// the answer cut into numbered parts.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigDevice, configDeviceSchema, RESPONSE_CHUNK_CHARS } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../sim/index.ts';
import { readOnce, responseParts } from '../src/commands.ts';
import { silentLogger } from '../src/log.ts';
import { ModbusServerClass, type ModbusServerTCP } from '../src/modbus/modbus-serial.ts';

/** A PLC whose holding registers 0-99 exist; reading at 100 or above is "illegal data address". */
async function strictPlc(): Promise<{ server: ModbusServerTCP; port: number }> {
  const refuse = (address: number, length: number) => {
    if (address + length > 100)
      throw Object.assign(new Error('illegal data address'), { modbusErrorCode: 2 });
  };
  const server = new ModbusServerClass(
    {
      getHoldingRegister: (address: number) => {
        refuse(address, 1);
        return address;
      },
      getMultipleHoldingRegisters: (address: number, length: number) => {
        refuse(address, length);
        return Array.from({ length }, (_, i) => address + i);
      },
    },
    { host: '127.0.0.1', port: '0', unitID: 255 },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
  });
  server.on('socketError', () => {});
  const address = (server as unknown as { _server: Server })._server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return { server, port: address.port };
}

const device = (port: number, tags: { id: string; address: number }[]): ConfigDevice =>
  configDeviceSchema.parse({
    id: 'plc-1',
    protocol: 'modbus-tcp',
    host: '127.0.0.1',
    port,
    timeoutMs: 1000,
    maxGap: 100,
    tags: tags.map((t) => ({ ...t, area: 'holding', type: 'uint16' })),
  });

describe('read-once for the cloud (test connection)', () => {
  let plc: { server: ModbusServerTCP; port: number };
  let pkiDir: string;

  beforeAll(async () => {
    plc = await strictPlc();
    pkiDir = join(await mkdtemp(join(tmpdir(), 'gateway-commands-')), 'pki');
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => plc?.server.close(() => resolve()));
    if (pkiDir) await rm(join(pkiDir, '..'), { recursive: true, force: true });
  });

  it('reads every tag in one go when the device answers all of them', async () => {
    const result = await readOnce(
      device(plc.port, [
        { id: 'a', address: 3 },
        { id: 'b', address: 50 },
      ]),
      {
        log: silentLogger,
        pkiDir,
        deadline: Date.now() + 10_000,
      },
    );
    expect(result).toMatchObject({
      device: 'plc-1',
      reachable: true,
      tags: [
        { tag: 'a', value: 3, quality: 'good', error: null },
        { tag: 'b', value: 50, quality: 'good', error: null },
      ],
    });
  });

  it('gives each tag its own value or error when the device refuses some addresses', async () => {
    const result = await readOnce(
      device(plc.port, [
        { id: 'ok', address: 98 },
        { id: 'beyond', address: 120 },
      ]),
      { log: silentLogger, pkiDir, deadline: Date.now() + 10_000 },
    );
    expect(result.reachable).toBe(true);
    expect(result.tags).toEqual([
      { tag: 'ok', value: 98, quality: 'good', ts: expect.any(Number), error: null },
      {
        tag: 'beyond',
        value: null,
        quality: null,
        ts: null,
        error: expect.stringMatching(/illegal data address/i),
      },
    ]);
  });

  it('says the device cannot be reached, for every tag, when nothing listens', async () => {
    const port = await freePort();
    const result = await readOnce(
      device(port, [
        { id: 'a', address: 1 },
        { id: 'b', address: 2 },
      ]),
      {
        log: silentLogger,
        pkiDir,
        deadline: Date.now() + 10_000,
      },
    );
    expect(result.reachable).toBe(false);
    expect(result.tags.map((t) => t.tag)).toEqual(['a', 'b']);
    expect(result.tags.every((t) => t.value === null && /ECONNREFUSED|connect/i.test(t.error ?? ''))).toBe(
      true,
    );
  });
});

describe('an answer in numbered parts', () => {
  it('cuts a long answer into parts below the chunk size that join back into the outcome', () => {
    const outcome = { ok: true as const, result: { text: 'é"\\'.repeat(RESPONSE_CHUNK_CHARS) } };
    const parts = responseParts('0190d5e4-7c3b-7e8a-9f1e-3a2b4c5d6e7f', outcome);

    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((p) => [p.part, p.parts])).toEqual(parts.map((_, i) => [i, parts.length]));
    expect(parts.every((p) => p.chunk.length <= RESPONSE_CHUNK_CHARS)).toBe(true);
    // Each part travels as its own JSON message, well under the broker's 128 KB.
    expect(Math.max(...parts.map((p) => Buffer.byteLength(JSON.stringify(p))))).toBeLessThan(128 * 1024);
    expect(JSON.parse(parts.map((p) => p.chunk).join(''))).toEqual(outcome);
  });

  it('answers one small part for a short outcome', () => {
    expect(responseParts('0190d5e4-7c3b-7e8a-9f1e-3a2b4c5d6e7f', { ok: false, error: 'no' })).toEqual([
      {
        v: 1,
        id: '0190d5e4-7c3b-7e8a-9f1e-3a2b4c5d6e7f',
        part: 0,
        parts: 1,
        chunk: '{"ok":false,"error":"no"}',
      },
    ]);
  });
});
