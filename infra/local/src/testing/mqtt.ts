// Test helper: an MQTT client connected to the local broker with a gateway's provisioning bundle
// (its certificate and key, the local CA), as the gateway itself would connect: with the gateway id
// as its client id, which the broker requires. No reconnects: a test that loses the connection
// should fail, not retry behind its back.
import { X509Certificate } from 'node:crypto';
import { type ProvisioningBundle, provisioningBundleSchema } from '@plantwatch/shared';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { TestApi } from './harness.ts';

/** The gateway id a certificate was issued to (its CN), the client id the broker expects with it. */
export function gatewayIdOfCertificate(certificatePem: string): string | undefined {
  try {
    return /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(certificatePem).subject)?.[1];
  } catch {
    return undefined; // not a certificate: the broker refuses the connection anyway
  }
}

export function connectGateway(
  bundle: Pick<ProvisioningBundle, 'endpoint' | 'ca' | 'cert' | 'key'>,
  options: Pick<IClientOptions, 'will'> = {},
): Promise<MqttClient> {
  const clientId = gatewayIdOfCertificate(bundle.cert);
  const client = mqtt.connect(bundle.endpoint, {
    ca: bundle.ca,
    cert: bundle.cert,
    key: bundle.key,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...(clientId ? { clientId } : {}),
    ...options,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** Fetches a gateway's provisioning bundle over the API and connects with it, as the gateway would. */
export async function connectProvisionedGateway(api: TestApi, token: string, gatewayId: string) {
  const bundle = provisioningBundleSchema.parse(
    (await api.call('POST', `/v1/gateways/${gatewayId}/provisioning-bundle`, { token })).body,
  );
  return { bundle, client: await connectGateway(bundle) };
}
