// Publishing the cloud's MQTT messages (retained config versions, command requests) on AWS: IoT
// Core's data plane Publish, QoS 1, on the account's ATS data endpoint. The same topics the gateways
// subscribe to locally.
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import type { GatewayMessagePublisher } from '../../ports.ts';

/** A data-plane client for `endpoint` (mqtts://<id>-ats.iot.<region>.amazonaws.com:8883, as bundles carry). */
export function createIotDataClient(region: string, endpoint: string): IoTDataPlaneClient {
  const host = new URL(endpoint).hostname;
  return new IoTDataPlaneClient({ region, endpoint: `https://${host}` });
}

export function iotDataPublisher(client: IoTDataPlaneClient): GatewayMessagePublisher {
  return {
    async publish({ topic, payload, retain }) {
      await client.send(
        new PublishCommand({
          topic,
          qos: 1,
          retain,
          payload: new TextEncoder().encode(payload),
          contentType: 'application/json',
        }),
      );
    },
  };
}
