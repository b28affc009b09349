// The command line as a process: read --once, browse, provision, and clear errors for bad input.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { statusTopic } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort, startSimulators } from '../sim/index.ts';
import { spawnGateway } from '../src/spawn.ts';
import { Collector, publicBrokerUrl } from './support/collector.ts';
import { plantConfig, topicIds } from './support/plant.ts';
import { runCli } from './support/process.ts';
import { tempDir } from './support/temp.ts';
import { waitFor } from './support/wait.ts';

const pem = (kind: string) => `-----BEGIN ${kind}-----\nMIIBdummy\n-----END ${kind}-----\n`;

describe('edge-gateway CLI', () => {
  it('read --once prints one JSON line per tag of both simulated PLCs and exits 0', async () => {
    const dir = await tempDir();
    const sims = await startSimulators({ modbusPort: 0, opcuaPort: 0, pkiDir: join(dir, 'sim-pki') });
    onTestFinished(() => sims.close());
    const file = join(dir, 'config.json');
    await writeFile(
      file,
      JSON.stringify(
        plantConfig({
          modbusPort: sims.modbusPort,
          opcuaEndpoint: sims.opcuaEndpoint,
          bufferDir: './buffer',
        }),
      ),
    );

    const { code, stdout } = await runCli(['read', '--config', file, '--once']);

    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => `${l.device}/${l.tag}`).sort()).toEqual([
      'plc-1/flow_total',
      'plc-1/inflow',
      'plc-1/level',
      'plc-1/pump_fault',
      'plc-1/pump_run',
      'plc-2/motor_current',
      'plc-2/motor_temp',
    ]);
    expect(lines.find((l) => l.tag === 'level')).toMatchObject({
      quality: 'good',
      value: expect.any(Number),
      ts: expect.any(Number),
    });
  });

  it('read --once exits 1 and logs a JSON line naming the device it cannot reach', async () => {
    const dir = await tempDir();
    const file = join(dir, 'config.json');
    await writeFile(
      file,
      JSON.stringify(plantConfig({ modbusPort: await freePort(), bufferDir: './buffer' })),
    );

    const { code, stderr } = await runCli(['read', '--config', file, '--once']);

    expect(code).toBe(1);
    const logs = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'device unreachable', device: 'plc-1' }),
    );
  });

  it('refuses an invalid config with the field named, exit code 1', async () => {
    const dir = await tempDir();
    const file = join(dir, 'config.json');
    const config = plantConfig({ modbusPort: 502, bufferDir: './buffer' });
    (config.devices[0] as { pollMs: number }).pollMs = 5;
    await writeFile(file, JSON.stringify(config));

    const { code, stderr } = await runCli(['read', '--config', file, '--once']);

    expect(code).toBe(1);
    expect(stderr).toContain('devices[0].pollMs: must be at least 50 ms');
  });

  it('run refuses a missing CA file and an unusable buffer folder, naming the field, without a stack trace', async () => {
    const dir = await tempDir();
    const file = join(dir, 'config.json');
    const config = plantConfig({ modbusPort: 502, bufferDir: './buffer', mqttUrl: 'mqtts://127.0.0.1:8883' });
    await writeFile(file, JSON.stringify({ ...config, mqtt: { ...config.mqtt, ca: 'ca.pem' } }));

    const missingCa = await runCli(['run', '--config', file]);

    expect(missingCa.code).toBe(1);
    expect(missingCa.stderr).toContain(`mqtt.ca: no such file or folder: ${join(dir, 'ca.pem')}`);
    expect(missingCa.stderr).not.toMatch(/\n\s+at /);
    expect(missingCa.stderr.trim().split('\n')).toHaveLength(1);

    await writeFile(join(dir, 'not-a-folder'), 'x');
    await writeFile(file, JSON.stringify({ ...config, buffer: { dir: './not-a-folder/buffer' } }));
    const badBuffer = await runCli(['run', '--config', file]);

    expect(badBuffer.code).toBe(1);
    expect(badBuffer.stderr).toMatch(/buffer\.dir: cannot open the buffer in .*not-a-folder\/buffer: /);
    expect(badBuffer.stderr).not.toMatch(/\n\s+at /);
  });

  it('run publishes until SIGTERM, and health passes while it runs and fails once it stopped', async () => {
    const dir = await tempDir();
    const sims = await startSimulators({ modbusPort: 0, opcuaPort: 0, pkiDir: join(dir, 'sim-pki') });
    onTestFinished(() => sims.close());
    const config = plantConfig({
      modbusPort: sims.modbusPort,
      mqttUrl: publicBrokerUrl,
      bufferDir: './buffer',
    });
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify(config));
    const collector = await Collector.start(publicBrokerUrl, topicIds(config));

    const gateway = spawnGateway(file, { stdio: 'pipe' });
    onTestFinished(() => void gateway.stop(0));
    let stderr = '';
    gateway.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    await waitFor('telemetry from the gateway process', () => collector.points().length > 0, 20_000);
    const healthy = await runCli(['health', '--config', file]);
    const code = await gateway.stop();
    const afterStop = await runCli(['health', '--config', file]);

    expect(healthy.code).toBe(0);
    expect(code).toBe(0);
    expect(afterStop.code).toBe(1);
    await waitFor('the offline status', () => collector.lastStatus()?.state === 'offline');
    const logs = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'connected', device: 'plc-1' }));
  });

  it('leaves its Last Will: a gateway killed with -9 shows offline on the status topic', async () => {
    const dir = await tempDir();
    const sims = await startSimulators({ modbusPort: 0, opcuaPort: 0, pkiDir: join(dir, 'sim-pki') });
    onTestFinished(() => sims.close());
    const config = plantConfig({
      modbusPort: sims.modbusPort,
      mqttUrl: publicBrokerUrl,
      bufferDir: './buffer',
    });
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify(config));
    const collector = await Collector.start(publicBrokerUrl, topicIds(config));
    const gateway = spawnGateway(file, { stdio: 'ignore' });
    onTestFinished(() => void gateway.stop(0));
    await waitFor('online status', () => collector.lastStatus()?.state === 'online', 20_000);

    gateway.child.kill('SIGKILL');

    const offline = await waitFor(
      'the Last Will',
      () => collector.lastStatus()?.state === 'offline' && collector.lastStatus(),
    );
    expect(offline).toEqual({ v: 1, gw: config.gateway.id, state: 'offline', ts: expect.any(Number) });
    await collector.client.publishAsync(statusTopic(topicIds(config)), '', { qos: 1, retain: true });
  });

  it('browse prints the OPC UA address space as JSON', async () => {
    const dir = await tempDir();
    const sims = await startSimulators({ modbusPort: 0, opcuaPort: 0, pkiDir: join(dir, 'sim-pki') });
    onTestFinished(() => sims.close());

    const { code, stdout } = await runCli(['browse', sims.opcuaEndpoint, '--depth', '2']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ browseName: 'Objects' });
    expect(stdout).toContain('ns=1;s=MotorTemperature');
  });

  it('provision installs the certificates (key readable by the owner only) and a config pointing at them', async () => {
    const dir = await tempDir();
    const bundle = join(dir, 'bundle.json');
    await writeFile(
      bundle,
      JSON.stringify({
        v: 1,
        endpoint: 'mqtts://broker.example.com:8883',
        ca: pem('CERTIFICATE'),
        cert: pem('CERTIFICATE'),
        key: pem('PRIVATE KEY'),
        config: {
          version: 2,
          gateway: { id: 'gw-1', tenantId: 't-1', siteId: 's-1' },
          devices: plantConfig({ modbusPort: 502, bufferDir: '.' }).devices,
        },
      }),
    );
    const out = join(dir, 'gateway');

    const { code } = await runCli(['provision', '--bundle', bundle, '--out', out]);

    expect(code).toBe(0);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      version: 2,
      gateway: { id: 'gw-1' },
      mqtt: { url: 'mqtts://broker.example.com:8883', ca: 'ca.pem', cert: 'gateway.pem', key: 'gateway.key' },
    });
    expect(await readFile(join(out, 'gateway.key'), 'utf8')).toBe(pem('PRIVATE KEY'));
    expect((await stat(join(out, 'gateway.key'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a bundle without a key, naming the field', async () => {
    const dir = await tempDir();
    const bundle = join(dir, 'bundle.json');
    await writeFile(
      bundle,
      JSON.stringify({ v: 1, endpoint: 'mqtts://b:8883', ca: pem('CERTIFICATE'), cert: pem('CERTIFICATE') }),
    );

    const { code, stderr } = await runCli(['provision', '--bundle', bundle, '--out', join(dir, 'gw')]);

    expect(code).toBe(1);
    expect(stderr).toContain('key:');
    expect(stderr).toContain('config:');
  });
});
