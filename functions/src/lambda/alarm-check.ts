// Lambda entry of the periodic alarm check (EventBridge schedule): communication loss, on/off delays
// running out and shelving expiring, the re-drive of pending escalation intents, the service canary.
import { createAwsAlarmCheckHandler } from '../compose/aws.ts';
import { tracedHandler } from '../compose/aws-tracing.ts';

export const handler = tracedHandler('alarm-check', await createAwsAlarmCheckHandler());
