// HTTP push on AWS hands the telemetry message to the telemetry rule by Basic Ingest (a publisher that
// records what it is given stands in for IoT Core's data plane).
import { describe, expect, it } from 'vitest';
import { basicIngestSubmitter } from './basic-ingest-submitter.ts';

describe('basicIngestSubmitter', () => {
  const message = {
    topic: 'dt/t-1/s-1/g-1/telemetry',
    payload: Buffer.from('{"v":1,"gw":"g-1","seq":0,"points":[]}'),
    receivedAt: 1_800_000_000_000,
  };

  it("publishes on the rule's Basic Ingest topic, not retained, and says the message is queued", async () => {
    const published: { topic: string; payload: string; retain: boolean }[] = [];
    const submitter = basicIngestSubmitter(
      { publish: async (m) => void published.push(m) },
      'PlantwatchTelemetry',
    );
    expect(await submitter.submit(message)).toEqual({ status: 'queued' });
    expect(published).toEqual([
      {
        topic: '$aws/rules/PlantwatchTelemetry/dt/t-1/s-1/g-1/telemetry',
        payload: '{"v":1,"gw":"g-1","seq":0,"points":[]}',
        retain: false,
      },
    ]);
  });

  it('uses the plain topic without a rule name, and passes a refused publish on to the caller', async () => {
    const published: string[] = [];
    await basicIngestSubmitter({ publish: async (m) => void published.push(m.topic) }, undefined).submit(
      message,
    );
    expect(published).toEqual(['dt/t-1/s-1/g-1/telemetry']);
    const refusing = basicIngestSubmitter(
      {
        publish: async () => {
          throw new Error('throttled');
        },
      },
      'R',
    );
    await expect(refusing.submit(message)).rejects.toThrow('throttled');
  });
});
