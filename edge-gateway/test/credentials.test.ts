// The TLS files named in the config are checked at start, and a problem names its field: a missing
// file, something that is not PEM, a key that does not belong to the certificate.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mqttSettingsSchema } from '@plantwatch/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.ts';
import { readCredentials } from '../src/credentials.ts';
import { makeTestPki, type TestPki } from './support/certificates.ts';

const settings = (files: { ca?: string; cert?: string; key?: string }) =>
  mqttSettingsSchema.parse({ url: 'mqtts://127.0.0.1:8883', ...files });

let pki: TestPki;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plantwatch-gw-credentials-'));
  pki = await makeTestPki(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function refusal(files: { ca?: string; cert?: string; key?: string }, baseDir = dir): string {
  try {
    readCredentials(settings(files), baseDir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('readCredentials accepted the files');
}

describe('readCredentials', () => {
  it('reads the CA, certificate and key, relative paths from the config folder', () => {
    const credentials = readCredentials(
      settings({ ca: 'ca.pem', cert: 'client.pem', key: 'client.key' }),
      dir,
    );
    expect(credentials.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(credentials.key?.toString()).toContain('PRIVATE KEY');
  });

  it('names the field of a file that does not exist', () => {
    expect(refusal({ ca: 'missing-ca.pem', cert: pki.clientCert, key: pki.clientKey })).toBe(
      `mqtt.ca: no such file or folder: ${join(dir, 'missing-ca.pem')}`,
    );
    expect(refusal({ ca: pki.ca, cert: pki.clientCert, key: 'nope.key' })).toMatch(
      /^mqtt\.key: no such file/,
    );
  });

  it('names a folder given for a file', async () => {
    await mkdir(join(dir, 'a-folder'), { recursive: true });
    expect(refusal({ ca: 'a-folder' })).toBe(`mqtt.ca: is a folder, not a file: ${join(dir, 'a-folder')}`);
  });

  it('names a file that is not PEM, and a key given as the certificate', async () => {
    await writeFile(join(dir, 'garbage.pem'), 'not a certificate');
    expect(refusal({ ca: 'garbage.pem' })).toMatch(/^mqtt\.ca: .*garbage\.pem is not a PEM certificate/);
    expect(refusal({ ca: pki.ca, cert: pki.clientKey, key: pki.clientKey })).toMatch(
      /^mqtt\.cert: .* is not a PEM certificate/,
    );
  });

  it('says when the key does not belong to the certificate', () => {
    expect(refusal({ ca: pki.ca, cert: pki.clientCert, key: pki.serverKey })).toMatch(
      /^mqtt\.key: does not belong to the certificate in mqtt\.cert/,
    );
  });

  it('wants the certificate and the key together', () => {
    expect(refusal({ ca: pki.ca, cert: pki.clientCert })).toBe('mqtt.key: required with mqtt.cert');
  });
});
