// Test helper: an MQTT client connected to the local broker with a gateway's provisioning bundle
// (its certificate and key, the local CA), as the gateway itself would connect. No reconnects: a
// test that loses the connection should fail, not retry behind its back.
import type { ProvisioningBundle } from '@plantwatch/shared';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export function connectGateway(
  bundle: Pick<ProvisioningBundle, 'endpoint' | 'ca' | 'cert' | 'key'>,
  options: Pick<IClientOptions, 'will'> = {},
): Promise<MqttClient> {
  const client = mqtt.connect(bundle.endpoint, {
    ca: bundle.ca,
    cert: bundle.cert,
    key: bundle.key,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}
