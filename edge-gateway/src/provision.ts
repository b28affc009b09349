// `provision`: installs a provisioning bundle as files a gateway runs from: the CA, certificate and
// key (readable by this user only) and config.json pointing at them.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type GatewayConfigInput, provisioningBundleSchema } from '@plantwatch/shared';
import { ConfigError, describeIssues, parseConfig, parseJson } from './config.ts';

export interface ProvisionResult {
  configFile: string;
  files: string[];
}

export async function provision(bundleFile: string, outDir: string): Promise<ProvisionResult> {
  let text: string;
  try {
    text = await readFile(bundleFile, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read bundle ${bundleFile}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = provisioningBundleSchema.safeParse(parseJson(text, bundleFile));
  if (!parsed.success) throw new ConfigError(`invalid bundle ${bundleFile}: ${describeIssues(parsed.error)}`);
  const bundle = parsed.data;
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'gateway.pem'), key: join(dir, 'gateway.key') };
  await writeFile(files.ca, bundle.ca);
  await writeFile(files.cert, bundle.cert);
  await writeFile(files.key, bundle.key, { mode: 0o600 });
  await chmod(files.key, 0o600);
  const config: GatewayConfigInput = {
    ...(bundle.config.version !== undefined ? { version: bundle.config.version } : {}),
    gateway: bundle.config.gateway,
    mqtt: {
      url: bundle.endpoint,
      ca: 'ca.pem',
      cert: 'gateway.pem',
      key: 'gateway.key',
      // The cloud's publishing wishes (on AWS: the Basic Ingest topic, a few seconds between publishes).
      ...bundle.config.mqtt,
    },
    buffer: bundle.config.buffer ?? {
      dir: './buffer',
      maxBytes: 1024 * 1024 * 1024,
      whenFull: 'drop-oldest',
    },
    devices: bundle.config.devices,
  };
  parseConfig(config, 'built from the bundle');
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return { configFile, files: [files.ca, files.cert, files.key, configFile] };
}
