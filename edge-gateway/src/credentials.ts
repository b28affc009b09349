// The MQTT TLS files named in the config (mqtt.ca, mqtt.cert, mqtt.key), read and checked once at start:
// a missing, unreadable or mismatched file stops the gateway with the field's name, never a stack trace.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { MqttSettings } from '@plantwatch/shared';
import { ConfigError, describeFileError, resolveFrom } from './config.ts';
import { errorMessage } from './log.ts';

export interface Credentials {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

const expected = {
  ca: 'a PEM certificate (-----BEGIN CERTIFICATE-----)',
  cert: 'a PEM certificate (-----BEGIN CERTIFICATE-----)',
  key: 'a PEM private key (-----BEGIN ... PRIVATE KEY-----)',
} as const;

function readPem(field: keyof Credentials, path: string | undefined, baseDir: string): Buffer | undefined {
  if (path === undefined) return undefined;
  const file = resolveFrom(baseDir, path);
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new ConfigError(`mqtt.${field}: ${describeFileError(error)}: ${file}`);
  }
  const text = content.toString('utf8');
  const looksRight =
    field === 'key'
      ? /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
      : text.includes('-----BEGIN CERTIFICATE-----');
  if (!looksRight) throw new ConfigError(`mqtt.${field}: ${file} is not ${expected[field]}`);
  return content;
}

/** Reads mqtt.ca, mqtt.cert and mqtt.key (relative to baseDir) and checks that they work together. */
export function readCredentials(settings: MqttSettings, baseDir: string): Credentials {
  const ca = readPem('ca', settings.ca, baseDir);
  const cert = readPem('cert', settings.cert, baseDir);
  const key = readPem('key', settings.key, baseDir);
  if ((cert === undefined) !== (key === undefined))
    throw new ConfigError(`mqtt.${cert ? 'key' : 'cert'}: required with mqtt.${cert ? 'cert' : 'key'}`);
  // Each file alone first, so the message names the one that is broken; then the pair.
  for (const [field, content] of [
    ['ca', ca],
    ['cert', cert],
    ['key', key],
  ] as const) {
    if (!content) continue;
    try {
      createSecureContext({ [field]: content });
    } catch (error) {
      throw new ConfigError(
        `mqtt.${field}: ${resolveFrom(baseDir, settings[field] ?? '')} cannot be used: ${errorMessage(error)}`,
      );
    }
  }
  if (cert && key) {
    try {
      createSecureContext({ cert, key });
    } catch (error) {
      throw new ConfigError(
        `mqtt.key: does not belong to the certificate in mqtt.cert (${errorMessage(error)})`,
      );
    }
  }
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
