import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { createIotDataClient, iotDataPublisher } from './iot-publisher.ts';

describe('publishing through the IoT data plane', () => {
  it('sends the exact payload at QoS 1, retained when asked, to the topic', async () => {
    const iot = mockClient(IoTDataPlaneClient);
    iot.on(PublishCommand).resolves({});
    const payload = JSON.stringify({ v: 1, version: 7 });

    await iotDataPublisher(new IoTDataPlaneClient({ region: 'eu-west-1' })).publish({
      topic: 'cmd/t/s/g/config',
      payload,
      retain: true,
    });

    const [call] = iot.commandCalls(PublishCommand);
    expect(call?.args[0].input).toMatchObject({ topic: 'cmd/t/s/g/config', qos: 1, retain: true });
    expect(new TextDecoder().decode(call?.args[0].input.payload as Uint8Array)).toBe(payload);
    iot.restore();
  });

  it('passes a refusal on, so the config push keeps the version pending', async () => {
    const iot = mockClient(IoTDataPlaneClient);
    iot.on(PublishCommand).rejects(new Error('ThrottlingException: rate exceeded'));

    await expect(
      iotDataPublisher(new IoTDataPlaneClient({ region: 'eu-west-1' })).publish({
        topic: 'cmd/t/s/g/request',
        payload: '{}',
        retain: false,
      }),
    ).rejects.toThrow('rate exceeded');
    iot.restore();
  });

  it('talks HTTPS to the host of the mqtts:// endpoint a bundle carries', async () => {
    const client = createIotDataClient('eu-west-1', 'mqtts://abc123-ats.iot.eu-west-1.amazonaws.com:8883');
    const endpoint = await client.config.endpoint?.();
    expect(endpoint).toMatchObject({
      hostname: 'abc123-ats.iot.eu-west-1.amazonaws.com',
      protocol: 'https:',
    });
  });
});
