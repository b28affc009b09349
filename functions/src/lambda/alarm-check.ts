// Lambda entry of the periodic alarm check (EventBridge schedule): communication loss, on/off delays
// running out and shelving expiring, for every tenant that has any.
import { createAlarmCheckHandler } from '../alarms/check.ts';
import { createAwsAlarmCheckDeps } from '../compose/aws.ts';

export const handler = createAlarmCheckHandler(await createAwsAlarmCheckDeps());
