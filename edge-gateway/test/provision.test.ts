// `provision` carries the cloud's publishing settings into the gateway's config: on AWS the Basic
// Ingest topic and the publish interval; a topic that is not the gateway's own is refused.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.ts';
import { provision } from '../src/provision.ts';
import { plantConfig } from './support/plant.ts';
import { tempDir } from './support/temp.ts';

const pem = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`;

async function writeBundle(dir: string, mqtt: Record<string, unknown>): Promise<string> {
  const file = join(dir, 'bundle.json');
  await writeFile(
    file,
    JSON.stringify({
      v: 1,
      endpoint: 'mqtts://abc-ats.iot.eu-west-1.amazonaws.com:8883',
      ca: pem('CERTIFICATE'),
      cert: pem('CERTIFICATE'),
      key: pem('PRIVATE KEY'),
      config: {
        gateway: { id: 'gw-1', tenantId: 't-1', siteId: 's-1' },
        mqtt,
        devices: plantConfig({ modbusPort: 502, bufferDir: '.' }).devices,
      },
    }),
  );
  return file;
}

describe('provision', () => {
  it('writes the Basic Ingest topic and the publish interval of the bundle into config.json', async () => {
    const dir = await tempDir();
    const topic = '$aws/rules/plantwatch_telemetry/dt/t-1/s-1/gw-1/telemetry';
    const bundle = await writeBundle(dir, { telemetryTopic: topic, publishIntervalMs: 5000 });

    const { configFile } = await provision(bundle, join(dir, 'gateway'));

    expect(JSON.parse(await readFile(configFile, 'utf8')).mqtt).toEqual({
      url: 'mqtts://abc-ats.iot.eu-west-1.amazonaws.com:8883',
      ca: 'ca.pem',
      cert: 'gateway.pem',
      key: 'gateway.key',
      telemetryTopic: topic,
      publishIntervalMs: 5000,
      // the bundle's settings schema fills in the status interval the cloud did not name
      statusIntervalSeconds: 10,
    });
  });

  it("refuses a bundle whose telemetry topic is another gateway's, naming the field", async () => {
    const dir = await tempDir();
    const bundle = await writeBundle(dir, {
      telemetryTopic: '$aws/rules/plantwatch_telemetry/dt/t-1/s-1/gw-2/telemetry',
    });

    const attempt = provision(bundle, join(dir, 'gateway'));

    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(
      /config\.mqtt\.telemetryTopic: must be dt\/t-1\/s-1\/gw-1\/telemetry/,
    );
  });
});
