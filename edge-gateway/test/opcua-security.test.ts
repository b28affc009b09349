// OPC UA SignAndEncrypt with a certificate trust list: an unknown server certificate is refused
// (and put in rejected/), and accepted once an operator moves it to trusted/certs.
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { opcuaConfigDeviceSchema, type TelemetryPoint } from '@plantwatch/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { OpcuaSimulator } from '../sim/opcua-sim.ts';
import { silentLogger } from '../src/log.ts';
import { OpcuaDriver } from '../src/opcua/driver.ts';
import { tempDir } from './support/temp.ts';
import { delay, waitFor } from './support/wait.ts';

describe('OPC UA security', () => {
  it('talks SignAndEncrypt only to a server whose certificate is in the trust list', async () => {
    const dir = await tempDir();
    const sim = new OpcuaSimulator({ pkiDir: join(dir, 'server-pki') });
    await sim.start();
    onTestFinished(() => sim.stop());
    const clientPki = join(dir, 'client-pki');
    const device = opcuaConfigDeviceSchema.parse({
      id: 'plc-2',
      protocol: 'opcua',
      endpoint: sim.endpoint,
      securityMode: 'SignAndEncrypt',
      securityPolicy: 'Basic256Sha256',
      publishMs: 100,
      tags: [{ id: 'motor_temp', nodeId: 'ns=1;s=MotorTemperature' }],
    });
    const points: TelemetryPoint[] = [];
    const driver = new OpcuaDriver(device, silentLogger, {
      pkiDir: clientPki,
      backoff: { initialMs: 200, maxMs: 500 },
    });
    onTestFinished(() => driver.stop());

    driver.start((batch) => points.push(...batch));
    const rejected = await waitFor(
      'the server certificate in rejected/',
      async () => {
        const files = await readdir(join(clientPki, 'rejected')).catch(() => []);
        return files.length > 0 && files;
      },
      20_000,
    );
    await delay(500);
    expect(points).toEqual([]);
    expect(driver.health()).toMatchObject({ connected: false });

    await mkdir(join(clientPki, 'trusted', 'certs'), { recursive: true });
    for (const file of rejected)
      await rename(join(clientPki, 'rejected', file), join(clientPki, 'trusted', 'certs', file));
    sim.set('MotorTemperature', 66.6);

    await waitFor(
      'data over the secured channel',
      () => points.some((p) => p.v === 66.6 && p.q === 'good'),
      20_000,
    );
    expect(driver.health()).toMatchObject({ connected: true });
  }, 60_000);
});
