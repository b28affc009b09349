import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { tempDir } from './support/temp.ts';

const valid = {
  gateway: { id: 'gw-1', tenantId: 't-1', siteId: 's-1' },
  mqtt: { url: 'mqtts://127.0.0.1:8883', ca: 'ca.pem', cert: 'gw.pem', key: 'gw.key' },
  buffer: { dir: './buffer', maxBytes: 1073741824, whenFull: 'drop-oldest' },
  devices: [
    {
      id: 'plc-1',
      protocol: 'modbus-tcp',
      host: '10.0.0.5',
      port: 502,
      unitId: 1,
      pollMs: 1000,
      timeoutMs: 2000,
      byteOrder: 'BE',
      wordOrder: 'BE',
      tags: [
        {
          id: 'level',
          area: 'holding',
          address: 0,
          type: 'uint16',
          scale: 0.1,
          offset: 0,
          unit: 'm',
          deadband: 0.05,
        },
        { id: 'pump_run', area: 'holding', address: 7, type: 'bool', bit: 3 },
      ],
    },
    {
      id: 'plc-2',
      protocol: 'opcua',
      endpoint: 'opc.tcp://10.0.0.6:4840',
      securityMode: 'None',
      mode: 'subscribe',
      publishMs: 500,
      tags: [{ id: 'temp', nodeId: 'ns=1;s=Temperature', unit: 'degC' }],
    },
  ],
};

async function writeConfig(config: unknown): Promise<string> {
  const file = join(await tempDir(), 'config.json');
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

describe('loadConfig', () => {
  it('accepts the example from the documentation and fills in defaults', async () => {
    const { config } = await loadConfig(await writeConfig(valid));
    expect(config.devices).toHaveLength(2);
    expect(config.devices[0]).toMatchObject({ id: 'plc-1', maxGap: 8, heartbeatMs: 60_000, enabled: true });
    expect(config.mqtt?.maxPublishesPerSecond).toBe(50);
  });

  it('defaults to settings that notice a frozen broker within 15 s and retry an absent PLC at least every 10 s', async () => {
    const { config } = await loadConfig(await writeConfig(valid));
    const mqtt = config.mqtt;
    if (!mqtt) throw new Error('no mqtt settings');
    expect(mqtt.publishTimeoutSeconds).toBeLessThanOrEqual(15); // while publishing
    expect(mqtt.keepaliveSeconds * 1.5).toBeLessThanOrEqual(15); // while idle: mqtt.js gives up after 1.5 keep-alives
    expect(config.reconnect.maxMs).toBeLessThanOrEqual(10_000);
    expect(config.reconnect.probeMs).toBeLessThanOrEqual(2000);
    expect(config.workers.isolation).toBe('shared'); // one driver thread, split on failure (ADR 0057)
  });

  it('refuses a reconnect cap below its first delay', async () => {
    await expect(
      loadConfig(await writeConfig({ ...valid, reconnect: { initialMs: 5000, maxMs: 2000 } })),
    ).rejects.toThrow('reconnect.maxMs: must be at least initialMs');
  });

  it.each([
    [
      'a coil that is not a bool',
      ['devices', 0, 'tags', 0],
      { area: 'coil', type: 'int16', bit: undefined },
      'devices[0].tags[0].type: a coil holds one bit',
    ],
    ['a bit outside 0-15', ['devices', 0, 'tags', 1], { bit: 16 }, 'devices[0].tags[1].bit: must be 0-15'],
    [
      'a string without length',
      ['devices', 0, 'tags', 0],
      { type: 'string' },
      'devices[0].tags[0].length: a string needs length',
    ],
    ['an unknown area', ['devices', 0, 'tags', 0], { area: 'memory' }, 'devices[0].tags[0].area'],
    [
      'a bad OPC UA node id',
      ['devices', 1, 'tags', 0],
      { nodeId: 'Temperature' },
      'devices[1].tags[0].nodeId: must be an OPC UA NodeId',
    ],
    ['an unknown whenFull', ['buffer'], { whenFull: 'drop-all' }, 'buffer.whenFull'],
    ['a typo in a field name', ['devices', 0], { pollMS: 100 }, 'devices[0]: Unrecognized key: "pollMS"'],
  ])('refuses %s with an error naming the field', async (_case, path, patch, message) => {
    const config = structuredClone(valid) as Record<string, unknown>;
    let target: Record<string, unknown> = config;
    for (const part of path)
      target = (target as Record<string | number, Record<string, unknown>>)[part] as Record<string, unknown>;
    Object.assign(target, patch);
    const file = await writeConfig(config);
    await expect(loadConfig(file)).rejects.toThrow(ConfigError);
    await expect(loadConfig(file)).rejects.toThrow(message);
  });

  it('refuses two devices with the same id', async () => {
    const config = structuredClone(valid);
    (config.devices[1] as { id: string }).id = 'plc-1';
    await expect(loadConfig(await writeConfig(config))).rejects.toThrow(
      'devices[1].id: duplicate device id "plc-1"',
    );
  });

  it('says which file is not JSON', async () => {
    const file = await writeConfig('{ "gateway": ');
    await expect(loadConfig(file)).rejects.toThrow(`${file} is not valid JSON`);
  });

  it('accepts the config example in the README', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const { config } = await loadConfig(await writeConfig(example ?? ''));
    expect(config.devices.map((d) => d.id)).toEqual(['plc-1', 'plc-2']);
  });

  it('resolves relative paths against the config file folder', async () => {
    const file = await writeConfig(valid);
    const { baseDir } = await loadConfig(file);
    expect(join(baseDir, 'config.json')).toBe(file);
  });
});
