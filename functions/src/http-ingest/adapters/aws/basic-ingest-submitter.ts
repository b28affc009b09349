// HTTP push on AWS: the readings' telemetry message is published through IoT Core's data plane on the
// telemetry rule's Basic Ingest topic ($aws/rules/{rule}/dt/…/telemetry), so the rule puts it on the
// same ingest stream or queue, in the same envelope, as a gateway's: one ingest path (ADR 0032).
import type { GatewayMessagePublisher } from '../../../plant/ports.ts';
import type { TelemetrySubmitter } from '../../ports.ts';

export function basicIngestSubmitter(
  publisher: GatewayMessagePublisher,
  ruleName: string | undefined,
): TelemetrySubmitter {
  return {
    async submit(message) {
      // Without the rule's name, the plain topic: the broker routes it to the same rule (at a message's cost).
      const topic = ruleName ? `$aws/rules/${ruleName}/${message.topic}` : message.topic;
      await publisher.publish({ topic, payload: message.payload.toString('utf8'), retain: false });
      return { status: 'queued' };
    },
  };
}
